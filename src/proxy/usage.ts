import type { CompletionUsage } from 'openai/resources/completions';

/** Usage with whatever an upstream adds beside the three counts (nested details, vendor fields). */
export type Usage = CompletionUsage & Record<string, unknown>;

export const emptyUsage = (): Usage => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Adds every numeric field of `add` into `total`, nested objects (prompt_tokens_details.cached_tokens,
 * completion_tokens_details.reasoning_tokens, …) included, so what the client is billed for N upstream
 * calls is their sum, whatever fields the upstream reports. Non-numeric leaves are left out: summing
 * them has no meaning.
 */
export function addUsage(total: Record<string, unknown>, add: unknown): void {
  if (!isRecord(add)) return;
  for (const [key, value] of Object.entries(add)) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      const had = total[key];
      total[key] = (typeof had === 'number' ? had : 0) + value;
    } else if (isRecord(value)) {
      const had = total[key];
      const into = isRecord(had) ? had : {};
      addUsage(into, value);
      if (Object.keys(into).length > 0) total[key] = into;
    }
  }
}

/** The sum of several usages; an empty list gives zeros. */
export function sumUsage(usages: Iterable<unknown>): Usage {
  const total = emptyUsage();
  for (const u of usages) addUsage(total, u);
  return total;
}
