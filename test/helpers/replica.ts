import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { startGateway } from '../../src/node';

const BIN = fileURLToPath(new URL('../../tools/dev.mjs', import.meta.url));

/** A gateway replica in its own process (`bestofn serve` from the sources, tools/dev.mjs), as behind a load balancer; its JSON log lines are kept. */
export interface Replica {
  url: string;
  logs: Array<Record<string, unknown>>;
  process: ChildProcess;
  post(key: string, body: object): Promise<Response>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH!, PORT: '0', LOG_LEVEL: 'info', UPSTREAM_RETRY_BASE_MS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'bestofn listening' && typeof entry.url === 'string') resolve(entry.url);
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    logs,
    process: child,
    post: (key, body) => postAs(url, key, body),
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/**
 * A replica in this process: its own gateway, Redis connection, limiter and metrics, as a separate process
 * has, without spending seconds of CPU starting one (on a loaded machine, tens of seconds). For tests that
 * need replicas but not a process to kill.
 */
export interface LocalReplica {
  url: string;
  logs: Array<Record<string, unknown>>;
  post(key: string, body: object): Promise<Response>;
  close(): Promise<void>;
}

export async function startLocalReplica(env: Record<string, string>): Promise<LocalReplica> {
  const config = parseConfig({ PORT: '0', LOG_LEVEL: 'info', UPSTREAM_RETRY_BASE_MS: '1', ...env }, [], loadConfigFile);
  const logs: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: config.LOG_LEVEL, base: { service: 'bestofn' } },
    { write: (line: string) => void logs.push(JSON.parse(line)) },
  );
  const gateway = await startGateway(config, log);
  return {
    url: gateway.url,
    logs,
    post: (key, body) => postAs(gateway.url, key, body),
    close: () => gateway.close(),
  };
}

const postAs = (url: string, key: string, body: object) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
