/** The inspector as the gateway mounts it: its memory of recent requests, what feeds it, and its routes. */
import type { Config } from '../config';
import type { AccessOptions } from '../access/access-control';
import type { SettledRequest } from '../proxy/proxy-deps';
import { fromSettled } from './from-outcome';
import type { Inspection } from './inspection';
import { InspectionRing, type InspectionSource } from './ring';
import { inspectorRoutes } from './routes';

export interface GatewayInspectorOptions {
  config: Pick<
    Config,
    | 'UI_RING_SIZE'
    | 'UI_PROMPTS'
    | 'BESTOFN_COMBINE'
    | 'BESTOFN_ALPHA'
    | 'BESTOFN_THINKING_WEIGHT'
    | 'CONFIDENCE_WINDOW'
  >;
  access?: AccessOptions | undefined;
  /** The newest records of the RECORD file (Node, where RECORD is set), read on each page view. */
  recorded?: ((max: number) => Inspection[]) | undefined;
}

export function gatewayInspector(o: GatewayInspectorOptions) {
  const c = o.config;
  const ring = new InspectionRing(c.UI_RING_SIZE);
  const combined =
    c.BESTOFN_COMBINE === 'reasonflux'
      ? `combined as mean(thinking) + ${c.BESTOFN_ALPHA}·answer (reasonflux)`
      : `combined as ${c.BESTOFN_THINKING_WEIGHT}·thinking + ${1 - c.BESTOFN_THINKING_WEIGHT}·answer (weighted)`;
  const settings = { keepText: c.UI_PROMPTS, combined, confidenceWindow: c.CONFIDENCE_WINDOW };
  const recorded = o.recorded;
  // Memory first; the RECORD file adds what memory has dropped (or what ran before a restart).
  const source: InspectionSource = recorded
    ? {
        list: () => {
          const inMemory = ring.list();
          const seen = new Set(inMemory.map((i) => i.id));
          return [...inMemory, ...recorded(c.UI_RING_SIZE).filter((i) => !seen.has(i.id))]
            .sort((a, b) => b.time.localeCompare(a.time))
            .slice(0, c.UI_RING_SIZE);
        },
        get: (id) => ring.get(id) ?? recorded(c.UI_RING_SIZE).find((i) => i.id === id),
      }
    : ring;
  return {
    inspect: (s: SettledRequest) => ring.push(fromSettled(s, settings)),
    routes: inspectorRoutes({
      source,
      access: o.access,
      note: recorded
        ? 'From the gateway memory and the RECORD file.'
        : `From the gateway memory (the last ${c.UI_RING_SIZE} requests${c.UI_PROMPTS ? '' : ', without prompts or texts (UI_PROMPTS=false)'}).`,
    }),
  };
}
