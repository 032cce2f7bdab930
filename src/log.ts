import pino from 'pino';
import { secretScrubber } from './secrets';

/**
 * JSON logs on stdout. Keys and bodies are redacted wherever they could appear, and every line is
 * scrubbed of the given secrets, URL credentials and bearer tokens as it is written, whatever logged it
 * (an error's message and stack included).
 */
export function createLogger(level: string, secrets: readonly string[] = []) {
  const scrub = secretScrubber(secrets);
  return pino({
    level,
    hooks: { streamWrite: scrub },
    base: { service: 'bestofn' },
    redact: {
      paths: ['*.authorization', '*.headers.authorization', '*.apiKey', '*.UPSTREAM_API_KEY', '*.SCORER_API_KEY'],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
