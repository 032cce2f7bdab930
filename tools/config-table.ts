/** Prints the config options as a Markdown table, for README.md (npx tsx tools/config-table.ts). */
import type { z } from 'zod';
import { flagFor, OPTIONS } from '../src/config';

console.log('| env / flag | default | meaning |\n|---|---|---|');
for (const [key, o] of Object.entries(OPTIONS)) {
  const def = (o.schema as z.ZodType).safeParse(undefined);
  const shown = def.success && def.data !== undefined ? `\`${String(def.data)}\`` : '';
  console.log(`| \`${key}\` \`${flagFor(key)}\` | ${shown} | ${o.help.replaceAll('|', '\\|')} |`);
}
