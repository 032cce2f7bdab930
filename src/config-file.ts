import { z } from 'zod';
import { describeIssue } from './core/zod-issue';

/**
 * The optional config file (JSON or YAML, `CONFIG_FILE`): everything env can set, plus what env cannot
 * express well: several named upstreams routed by model, a fallback upstream, and per-key limits.
 * Secrets may be referenced by env name (`api_key_env`, `key_env`) so the file itself can be committed.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const upstreamSpec = z.strictObject({
  name: z.string().regex(/^[\w.-]+$/, 'letters, digits, _ . - only'),
  base_url: z.url(),
  api_key: z.string().optional(),
  api_key_env: z.string().optional(),
  /** Model names routed here; '*' takes any model no other upstream names. */
  models: z.array(z.string().min(1)).min(1).default(['*']),
  supports_n: z.boolean().default(false),
  concurrency: z.number().int().min(1).optional(),
});

const keySpec = z
  .strictObject({
    key: z.string().min(1).optional(),
    key_env: z.string().min(1).optional(),
    rpm: z.number().int().min(1).optional(),
    cpm: z.number().int().min(1).optional(),
    concurrency: z.number().int().min(1).optional(),
    max_n: z.number().int().min(1).optional(),
  })
  .refine((k) => (k.key === undefined) !== (k.key_env === undefined), 'give exactly one of key or key_env');

export const configFileSchema = z.strictObject({
  settings: z.record(z.string(), scalar).optional(),
  upstreams: z.array(upstreamSpec).optional(),
  fallback_upstream: z.string().optional(),
  keys: z.array(keySpec).optional(),
});

export type ConfigFile = z.output<typeof configFileSchema>;

export interface UpstreamSpec {
  name: string;
  baseUrl: string;
  apiKey?: string;
  models: string[];
  supportsN: boolean;
  concurrency?: number;
}

export interface KeySpec {
  key: string;
  rpm?: number;
  cpm?: number;
  concurrency?: number;
  maxN?: number;
}

export function validateConfigFile(data: unknown, file: string): ConfigFile {
  const parsed = configFileSchema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  throw new Error(`${file}: ${describeIssue(parsed.error)}`);
}

/** Resolves `*_env` references against the process env, so the parsed config holds plain values. */
export function resolveSecrets(
  file: ConfigFile,
  env: Record<string, string | undefined>,
  name: string,
): { upstreams: UpstreamSpec[]; keys: KeySpec[] } {
  const fromEnv = (variable: string, where: string) => {
    const value = env[variable];
    if (!value) throw new Error(`${name}: ${where}: env variable ${variable} is not set`);
    return value;
  };
  const upstreams = (file.upstreams ?? []).map((u, i) => ({
    name: u.name,
    baseUrl: u.base_url.replace(/\/+$/, ''),
    apiKey: u.api_key ?? (u.api_key_env ? fromEnv(u.api_key_env, `upstreams[${i}].api_key_env`) : undefined),
    models: u.models,
    supportsN: u.supports_n,
    concurrency: u.concurrency,
  }));
  const keys = (file.keys ?? []).map((k, i) => ({
    key: k.key ?? fromEnv(k.key_env!, `keys[${i}].key_env`),
    rpm: k.rpm,
    cpm: k.cpm,
    concurrency: k.concurrency,
    maxN: k.max_n,
  }));
  return { upstreams, keys };
}
