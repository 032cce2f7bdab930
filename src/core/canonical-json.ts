/**
 * One spelling per JSON value, so two candidates that wrote the same object with other key orders or
 * whitespace (`{"city":"Paris"}`, `{ "city" : "Paris" }`) vote together. Arrays keep their order: in
 * JSON it carries meaning.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key]);
  return out;
}
