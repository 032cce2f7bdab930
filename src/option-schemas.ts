/**
 * The schemas settings are written in (env text, flags, a config file's values), shared by config.ts and
 * the options each extension point declares for itself (src/scorer/scorer-options.ts). Imports nothing of
 * ours, so any part may declare options without an import cycle through config.ts.
 */
import { z } from 'zod';

export const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
/**
 * A number written in decimal, as env and flags give it: `Number()` alone reads ' ' as 0 (PORT=' ' was a
 * random port) and '0xAFC8' as hex. Anything else is left for the number schema to refuse.
 */
const decimal = (v: unknown) =>
  typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : v;
export const int = (min: number, max: number) => z.preprocess(decimal, z.number().int().min(min).max(max));
export const num = (min: number, max: number) => z.preprocess(decimal, z.number().min(min).max(max));
/** An http(s) URL: file:, mailto: or javascript: is no upstream (and would mangle every scrubbed message). */
export const httpUrl = () => z.url({ protocol: /^https?$/ });
/** A header value: CR or LF would split the request an upstream receives. */
export const headerValue = () => z.string().regex(/^[^\r\n]*$/, 'must not contain CR or LF');

/**
 * A comma list of browser origins, or `*`. A browser's Origin is `scheme://host[:port]`, never with a
 * slash or a path: `https://app.example/` is read as `https://app.example` (it would match no request),
 * and anything with a path, query or credentials is refused.
 */
const parseUrl = (text: string): URL | null => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};

export const originList = () =>
  z.string().transform((text, ctx) => {
    const out: string[] = [];
    for (const entry of text.split(',').map((o) => o.trim())) {
      if (entry === '' || entry === '*') {
        if (entry) out.push(entry);
        continue;
      }
      const url = parseUrl(entry);
      const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
      if (!url || !/^https?:$/.test(url.protocol) || !bare) {
        ctx.addIssue({
          code: 'custom',
          message: `'${entry}' is not an origin: write scheme://host[:port], with no path (e.g. https://app.example)`,
        });
        return z.NEVER;
      }
      out.push(url.origin);
    }
    return out.join(',');
  });

/** One setting: its schema (with its default) and a line of help; config.ts turns these into env, flags and help. */
export interface OptionDecl {
  schema: z.ZodType;
  help: string;
}
