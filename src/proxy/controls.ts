/**
 * Every per-request Best-of-N control, declared once, like OPTIONS in config.ts. Each entry yields a field
 * of the body's `bestofn` object (its zod schema), an `x-bestofn-*` header where clients that cannot add
 * body fields need one (and how its text is read), the `param` its errors name, and a row of the README's
 * Controls table (test/proxy/controls.test.ts keeps the two equal; `npx tsx tools/controls-table.ts`
 * prints it). To add a control: one entry here, then read it in options.ts's resolveOptions.
 */
import { z } from 'zod';
import { JUDGE_MODES } from '../core/judge-prompt';
import { adaptivePolicySchema, rejectPolicySchema } from '../core/live-policy';
import { SELECT_METHODS, SELECTION_RULES } from '../core/selection-rules';
import { AGGREGATES, TOOL_MODES } from '../core/types';

/** How candidates' answers are read: `auto` detects lettered options in the prompt; `choice` always reads a letter. */
export const ANSWER_FORMS = ['auto', 'choice'] as const;
export type AnswerForm = (typeof ANSWER_FORMS)[number];

/** How a header's text becomes a value; numbers are plain decimals (`1e1`, `0x10`, ` 8 `, `+8` are refused). */
const HEADER_READS = {
  integer: (v: string): unknown => (/^[0-9]{1,9}$/.test(v) ? Number(v) : v),
  decimal: (v: string): unknown => (/^[0-9]{1,3}(\.[0-9]{1,9})?$/.test(v) ? Number(v) : v),
  text: (v: string): unknown => v,
};

export interface Control {
  /** The field of the body's `bestofn` object; absent for a header-only control. */
  schema?: z.ZodType;
  /** Sent as `x-bestofn-<name>` (underscores as dashes) too, read this way; absent for a body-only control. */
  header?: keyof typeof HEADER_READS;
  /** Other body fields that set it (README). */
  aliases?: readonly string[];
  help: string;
}

const code = (s: string) => `\`${s}\``;

/** In the order of the README table. */
export const CONTROLS = {
  n: {
    schema: z.number().int().min(1),
    header: 'integer',
    aliases: ['best_of'],
    help: 'candidates to sample (1 … `BESTOFN_MAX_N`, default `BESTOFN_N`); above the limit is a 400 and the upstream is never called',
  },
  select: {
    schema: z.enum(SELECT_METHODS),
    header: 'text',
    help: SELECT_METHODS.map((m) => `${code(m)} (${SELECTION_RULES[m].help})`).join(', '),
  },
  aggregate: {
    schema: z.enum(AGGREGATES),
    header: 'text',
    help: `step rewards → one reward: ${AGGREGATES.map(code).join(', ')}`,
  },
  temperature: { schema: z.number().min(0).max(2), header: 'decimal', help: 'sampling temperature (see below)' },
  min_candidates: {
    schema: z.number().int().min(1),
    header: 'integer',
    help: 'fewest successful candidates needed to answer',
  },
  deadline_ms: {
    schema: z.number().int().min(1),
    header: 'integer',
    help: 'when it passes, rank what has arrived (capped by `BESTOFN_DEADLINE_MS`)',
  },
  metadata: { header: 'text', help: '`off` drops the `bestofn` object from the response' },
  reject: {
    schema: rejectPolicySchema,
    help: 'early rejection: `{after_tokens, every_tokens, keep_fraction, min_keep}` (live path, below)',
  },
  adaptive: {
    schema: adaptivePolicySchema,
    help: 'adaptive N: `{waves: [4, 8, 16], stop_when: {agreement, top_reward, margin}}` (live path, below)',
  },
  commit: {
    schema: z.strictObject({ margin: z.number().min(0).optional() }),
    help: 'early commit: `{margin}` — stream the leader live once the race is decided (needs `reject`)',
  },
  judge: {
    schema: z.enum(JUDGE_MODES),
    header: 'text',
    help: `let the judge choose, in this mode: ${JUDGE_MODES.map(code).join(', ')} (needs \`JUDGE_MODEL\`; else a 400)`,
  },
  answer: {
    schema: z.enum(ANSWER_FORMS),
    header: 'text',
    help: 'how answers are read: `auto` (letters when the prompt lists options `A.`…`J.`), `choice` (always a letter)',
  },
  tools: {
    schema: z.enum(TOOL_MODES),
    header: 'text',
    help: 'a request that offers tools: `vote` (N candidates, the most agreed calls win) or `bypass` (one upstream call, passed through); default `BESTOFN_TOOLS`',
  },
  json: {
    schema: z.enum(['strict', 'best_effort']),
    help: 'with `response_format` JSON and no valid candidate: `strict` answers 502 `no_valid_candidate`, `best_effort` the best one anyway',
  },
} as const satisfies Record<string, Control>;

type Controls = typeof CONTROLS;
export type ControlName = keyof Controls;
type BodyName = { [K in ControlName]: Controls[K] extends { schema: z.ZodType } ? K : never }[ControlName];

const entries = Object.entries(CONTROLS) as [ControlName, Control][];

/** The `bestofn` body object: every control with a schema, each optional; unknown fields are refused. */
export const controlsSchema = z.strictObject(
  Object.fromEntries(entries.flatMap(([k, c]) => (c.schema ? [[k, c.schema.optional()]] : []))) as {
    [K in BodyName]: z.ZodOptional<Controls[K]['schema']>;
  },
);
export type RequestControls = z.output<typeof controlsSchema>;

const HEADER_NAMES = new Map<string, string>();
export const headerName = (name: ControlName) => {
  let header = HEADER_NAMES.get(name);
  if (header === undefined) HEADER_NAMES.set(name, (header = `x-bestofn-${name.replaceAll('_', '-')}`));
  return header;
};

/** The `param` of an error about a control, as the client sent it. */
export const controlParam = (name: ControlName, from: 'body' | 'header') =>
  from === 'body' ? `bestofn.${name}` : headerName(name);

/** The raw header value of a control, or null when absent. */
export const headerValue = (headers: Headers, name: ControlName) => headers.get(headerName(name));

/** The body-schema controls sent as headers, each header read as its control says; zod checks them after. */
export function controlsFromHeaders(headers: Headers): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, c] of entries) {
    if (!c.header || !c.schema) continue;
    const value = headerValue(headers, name);
    if (value !== null) out[name] = HEADER_READS[c.header](value);
  }
  return out;
}

/** The control a header sets, for naming it in an error. */
export const controlOfHeader = (name: PropertyKey) =>
  entries.find(([k, c]) => k === name && c.header !== undefined)?.[0];

/** The README's Controls table, one row per control. */
export function controlsTable(): string {
  const rows = entries.map(([name, c]) => {
    const body = c.schema ? [...(c.aliases ?? []), `bestofn.${name}`].map(code).join(', ') : '';
    const header = c.header ? code(headerName(name)) : '';
    return `| ${body} | ${header} | ${c.help.replaceAll('|', '\\|')} |`;
  });
  return ['| body | header | meaning |', '|---|---|---|', ...rows].join('\n');
}
