import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The processes a benchmark starts (fake upstream, gateways), each on its own event loop so that none
 * shares the load generator's. They get a bare environment: only PATH and NODE_ENV=production.
 */
const children: ChildProcess[] = [];

export function startProcess(
  args: string[],
  env: Record<string, string>,
  stdout: 'pipe' | 'ignore' = 'ignore',
): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH!, NODE_ENV: 'production', ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  children.push(child);
  return child;
}

/** The first line a child prints (a fake upstream prints its URL). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
}

export function killProcesses(): void {
  for (const c of children) c.kill('SIGKILL');
}
