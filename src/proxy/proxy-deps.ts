import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Config } from '../config';
import type { BestOfNMetadata } from '../core/bestofn-metadata';
import type { GatewayMetrics } from '../observability/metrics';
import type { Recorder } from '../record/record-entry';
import type { Scorer } from '../scorer/types';
import type { UpstreamRouter } from './upstream-router';
import type { BestOfNOutcome } from './best-of-n';
import type { BestOfNOptions } from './options';

/** One settled Best-of-N request as the inspector receives it. */
export interface SettledRequest {
  requestId: string;
  keyIndex: number | undefined;
  body: ChatCompletionCreateParams;
  problem: string;
  options: BestOfNOptions;
  outcome: BestOfNOutcome;
  metadata: BestOfNMetadata;
}

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
  /** Receives every settled Best-of-N request for the inspector's memory (/ui). */
  inspect?: (settled: SettledRequest) => void;
  /** Takes secrets and internal addresses out of text a client reads (createApp builds it from config). */
  scrub?: (text: string) => string;
}
