/** Prints the request controls as a Markdown table, for README.md's Controls section (npx tsx tools/controls-table.ts). */
import { controlsTable } from '../src/proxy/controls';

console.log(controlsTable());
