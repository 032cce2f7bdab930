/**
 * What the offline commands (select, eval, replay-upstream) share when they read their flags: one error for
 * a mistake in the command line (exit 2, where any other failure exits 1) and the checks of common flag kinds.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A mistake in the command line: from our checks, or from node:util's parseArgs (an unknown flag, a missing value). */
export const isUsageError = (err: unknown): boolean =>
  err instanceof UsageError ||
  (err instanceof Error && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS'));

/** A missing or malformed input named on the command line is the caller's to fix: a usage error like any other. */
export function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The same, for checks that read a file or wait on one. */
export async function asUsageAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--name` as an integer in [min, max]; `fallback` when the flag is absent or empty. */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`} (got '${value}')`,
    );
  }
  return n;
}

/** An optional `--name` as an integer in [min, max]: undefined when absent; given empty (`--limit=`), a usage error. */
export function optionalIntFlag(
  name: string,
  value: string | undefined,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new UsageError(`--${name} needs a value`);
  return intFlag(name, value, 0, min, max);
}

/** `--name` as a number in [min, max]; `fallback` when absent. */
export function numberFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  const x = Number(value);
  if (!(x >= min && x <= max)) throw new UsageError(`--${name} must be in [${min}, ${max}] (got '${value}')`);
  return x;
}

/** `--name` as one of `choices` (an `as const` list). */
export function choiceFlag<T extends string>(name: string, value: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === value);
  if (found === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${value}')`);
  return found;
}
