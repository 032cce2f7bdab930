import { vi } from 'vitest';
import { main } from '../../src/cli';

/**
 * `bestofn ARGS` as main() in this process, with a fresh shell's environment plus `env`, its stdout and stderr
 * captured: a process per usage or config check spends two CPU seconds starting. test/cli.test.ts keeps one real
 * spawn of the CLI entry (tools/dev.mjs, the sources; bin/bestofn.mjs runs dist/ and the package test spawns it).
 */
export async function runMain(args: string[], env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const spies = (['stdout', 'stderr'] as const).map((name) =>
    vi
      .spyOn(process[name], 'write')
      .mockImplementation((chunk: string | Uint8Array) => ((out[name] += String(chunk)), true)),
  );
  try {
    return { status: await main(args, { PATH: process.env.PATH!, ...env }), ...out };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
