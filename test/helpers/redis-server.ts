import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * A real redis-server on a free loopback port, owned by the test (so it can stop, freeze and restart it).
 * CI (.ci/run) installs redis-server and sets BESTOFN_REQUIRE_REDIS=1: there a missing binary fails the
 * suite. A developer without it gets a skip with the reason.
 */
export const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';
export const redisInstalled = spawnSync(REDIS_BIN, ['--version']).status === 0;
export const redisRequired = process.env.BESTOFN_REQUIRE_REDIS === '1';
if (!redisInstalled && redisRequired)
  throw new Error(`BESTOFN_REQUIRE_REDIS=1 but '${REDIS_BIN}' cannot run: install redis-server`);
export const redisSkipReason = redisInstalled
  ? ''
  : `redis-server is not installed here (apt-get install -y redis-server); the Redis tests are skipped`;
if (!redisInstalled) console.warn(`⚠ ${redisSkipReason}`);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

export interface TestRedis {
  url: string;
  port: number;
  /** SIGSTOP: the socket stays open but nothing answers (a hung Redis). */
  freeze(): void;
  thaw(): void;
  /** Kills the server (its data with it: nothing is persisted). */
  stop(): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  start(): Promise<void>;
  /** One command over raw RESP, for assertions; integer and status replies only. */
  command(...args: string[]): Promise<string>;
}

function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve()));
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > until) reject(new Error(`redis-server did not listen on ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

function command(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    sock.on('data', (d) => {
      out += d.toString();
      if (out.endsWith('\r\n')) (sock.end(), resolve(out.trim()));
    });
    sock.once('error', reject);
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/**
 * A Redis the test only uses, never stops: the one CI started (BESTOFN_TEST_REDIS_URL, a loopback URL)
 * when there is one, else a fresh one. Tests on it keep to their own REDIS_PREFIX.
 */
export async function sharedRedis(): Promise<Pick<TestRedis, 'url' | 'command' | 'stop'>> {
  const given = process.env.BESTOFN_TEST_REDIS_URL;
  if (!given) return startRedis();
  const port = Number(new URL(given).port || 6379);
  return { url: given, command: (...args) => command(port, args), stop: async () => {} };
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      REDIS_BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: 'ignore' },
    );
    await waitForPort(port);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    freeze: () => proc?.kill('SIGSTOP'),
    thaw: () => proc?.kill('SIGCONT'),
    stop: () =>
      new Promise<void>((resolve) => {
        const p = proc;
        if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
        p.once('exit', () => resolve());
        p.kill('SIGCONT');
        p.kill('SIGKILL');
      }),
    start,
    command: (...args) => command(port, args),
  };
}
