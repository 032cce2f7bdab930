import pino from 'pino';

/** JSON logs on stdout. Keys and bodies are redacted wherever they could appear. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'bestofn' },
    redact: { paths: ['*.authorization', '*.headers.authorization', '*.apiKey', '*.UPSTREAM_API_KEY', '*.SCORER_API_KEY'], censor: '[redacted]' },
  });
}

export type Logger = ReturnType<typeof createLogger>;
