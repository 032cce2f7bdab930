/**
 * Nesting depth of a JSON text, found by one pass over its characters before anything parses it.
 * JSON.parse copes with deep nesting, but every recursive walk after it (validation, JSON.stringify for
 * the upstream) overflows the stack somewhere past a few thousand levels; a limit checked on the raw
 * text keeps such a body from reaching any of them.
 */

/** Deepest nesting a request body may have; deeper is a 400 before it is parsed. */
export const MAX_JSON_DEPTH = 64;

/** True when `text` nests objects and arrays deeper than `limit`; strings (with escapes) are skipped. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
