import type { Config } from '../config';
import type { GatewayMetrics } from '../observability/metrics';
import type { Recorder } from '../record/record-entry';
import type { Scorer } from '../scorer/types';
import type { UpstreamRouter } from './upstream-router';

/** What the proxy routes need, built once by an entry (Node or Workers) and passed in. */
export interface ProxyDeps {
  config: Config;
  upstreams: UpstreamRouter;
  scorer: Scorer;
  log: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  metrics?: GatewayMetrics;
  /** Receives every answered Best-of-N request with its candidates (`--record FILE`). */
  record?: Recorder;
  /** Takes secrets and internal addresses out of text a client reads (createApp builds it from config). */
  scrub?: (text: string) => string;
}
