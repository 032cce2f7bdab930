import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * The system's Chromium (Debian's `chromium`, installed by .ci/run with apt), never a downloaded one.
 * BESTOFN_REQUIRE_BROWSER=1 (CI) makes a missing browser a failure; a developer without one skips and is told.
 */
export function systemChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found && fs.existsSync(found)) return found;
    } catch {
      // not this one
    }
  }
  if (process.env.BESTOFN_REQUIRE_BROWSER === '1')
    throw new Error('BESTOFN_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install -y chromium)');
  return null;
}
