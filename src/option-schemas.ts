/**
 * The schemas settings are written in (env text, flags, a config file's values), shared by config.ts and
 * the options each extension point declares for itself (src/scorer/scorer-options.ts). Imports nothing of
 * ours, so any part may declare options without an import cycle through config.ts.
 */
import { z } from 'zod';

export const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const num = (min: number, max: number) => z.coerce.number().min(min).max(max);

/** One setting: its schema (with its default) and a line of help; config.ts turns these into env, flags and help. */
export interface OptionDecl {
  schema: z.ZodType;
  help: string;
}
