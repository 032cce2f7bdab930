/**
 * JSON.parse that answers instead of throwing, for text from outside (a body, a file line, a cache
 * entry, an environment variable): each caller says in its own words what text that is not JSON means.
 */
export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The value, or undefined when the text is not JSON (no JSON text parses to undefined). */
export function jsonOrUndefined(text: string): unknown {
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : undefined;
}
