/**
 * The commands of README.md, deploy/README.md and docs/ as a newcomer pastes them, checked against what
 * they use: npm scripts, CLI commands, config options, Dockerfile targets, files, the Kubernetes namespace
 * and Secrets, compose's required variables, and the gateway key every remote curl needs. Nothing is run;
 * a command that names something the repository does not have, or comes before what it needs, fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { OPTIONS } from '../../src/config';
import { docCommands, type DocCommand } from '../helpers/doc-commands';
import { REPO_ROOT } from '../helpers/fixture-path';

const read = (rel: string) => fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const DOCS = [
  'README.md',
  'deploy/README.md',
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const ALL = DOCS.flatMap(docCommands);
const DEPLOY = docCommands('deploy/README.md');
const where = (c: DocCommand) => `${c.file}:${c.line}: ${c.text}`;
const isOption = (name: string) => Object.hasOwn(OPTIONS, name);
const SCRIPTS = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** Simple commands of a line: split on ; && || | & and `do`, leading VAR=value assignments kept apart. */
function segments(text: string): { env: string[]; words: string[] }[] {
  return text
    .split(/\s*(?:&&|\|\||;|\||&(?!\d)|\bdo\b|\bthen\b)\s*/)
    .map((s) => s.replace(/^[\s(]+|[\s)]+$/g, ''))
    .filter(Boolean)
    .map((s) => {
      const words = s.split(/\s+/);
      const env: string[] = [];
      while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) env.push(words.shift()!.split('=')[0]!);
      return { env, words };
    });
}

describe('commands in the docs', () => {
  it('run the CLI as `npx bestofn <command>` (a clone has no bestofn on PATH), with commands that exist', () => {
    const bad = ALL.flatMap((c) =>
      segments(c.text).flatMap(({ words }) => {
        if (words[0] === 'bestofn') return [`bare bestofn: ${where(c)}`];
        if (
          words[0] === 'npx' &&
          words[1] === 'bestofn' &&
          !['serve', 'eval', 'select', 'replay-upstream', '--help'].includes(words[2]!)
        )
          return [`unknown command: ${where(c)}`];
        return [];
      }),
    );
    expect(bad).toEqual([]);
  });

  it('name npm scripts that package.json has', () => {
    const bad = ALL.flatMap((c) =>
      segments(c.text).flatMap(({ words }) => {
        if (words[0] !== 'npm') return [];
        const script = words[1] === 'run' ? words[2]! : ['start', 'test'].includes(words[1]!) ? words[1]! : undefined;
        return script !== undefined && !SCRIPTS[script] ? [where(c)] : [];
      }),
    );
    expect(bad).toEqual([]);
  });

  it('set only variables the gateway reads when they start it (env prefixes, docker -e, Secret literals)', () => {
    const other = new Set([
      'NODE_ENV',
      'ONNXRUNTIME_NODE_INSTALL',
      'BESTOFN_DATA_DIR',
      'BESTOFN_REWARDMATH_DIR',
      'CLOUDFLARE_CF_FETCH_ENABLED',
    ]);
    const bad: string[] = [];
    for (const c of ALL)
      for (const { env, words } of segments(c.text)) {
        const starts = (words[0] === 'npm' && words[1] === 'start') || (words[0] === 'npx' && words[1] === 'bestofn');
        if (starts) for (const v of env) if (!isOption(v) && !other.has(v)) bad.push(`${v}: ${where(c)}`);
        if (words[0] === 'docker' && words[1] === 'run')
          words.forEach((w, i) => {
            const v = words[i + 1]?.split('=')[0];
            if (w === '-e' && v && !isOption(v)) bad.push(`${v}: ${where(c)}`);
          });
        for (const m of c.text.matchAll(/--from-literal=([A-Z_][A-Z0-9_]*)=/g))
          if (!isOption(m[1]!)) bad.push(`${m[1]}: ${where(c)}`);
        for (const m of c.text.matchAll(/wrangler secret put (\S+)/g))
          if (!isOption(m[1]!)) bad.push(`${m[1]}: ${where(c)}`);
      }
    expect(bad).toEqual([]);
  });

  it('name files that exist (-f, -k, --dataset/--replay paths into data/)', () => {
    const bad = ALL.flatMap((c) =>
      [...c.text.matchAll(/(?:\s-[fk]\s+|\s--replay\s+)((?:deploy|data)\/\S+)/g)]
        .map((m) => m[1]!)
        .filter((p) => !fs.existsSync(path.join(REPO_ROOT, p)))
        .map((p) => `${p}: ${where(c)}`),
    );
    expect(bad).toEqual([]);
  });
});

describe('deploy/README.md against deploy/', () => {
  const dockerfile = read('deploy/Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)/gm)].map((m) => m[1]!);

  it('builds Dockerfile targets that exist, and every image it runs gets a gateway key (HOST is 0.0.0.0)', () => {
    expect(dockerfile).toMatch(/ENV NODE_ENV=production HOST=0\.0\.0\.0/);
    for (const c of DEPLOY) {
      const target = /docker build .*--target (\S+)/.exec(c.text)?.[1];
      if (target) expect(stages, where(c)).toContain(target);
      if (/^docker run /.test(c.text))
        expect(c.text, where(c)).toMatch(/-e (GATEWAY_API_KEYS|ALLOW_UNAUTHENTICATED=true)\b/);
    }
    const compose = parseYaml(read('deploy/compose.yaml')) as { services: { gateway: { build: { target: string } } } };
    expect(stages).toContain(compose.services.gateway.build.target);
  });

  it('sends the gateway key with every API call, and sets what compose requires before `up`', () => {
    const remote = DEPLOY.filter((c) => /^curl .*\/v1\//.test(c.text));
    expect(remote.length).toBeGreaterThan(0);
    for (const c of remote) expect(c.text, where(c)).toMatch(/-H "authorization: Bearer \$GATEWAY_API_KEYS"/);
    const required = [...read('deploy/compose.yaml').matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!);
    expect(required).toContain('GATEWAY_API_KEYS');
    const up = DEPLOY.findIndex((c) => /docker compose .*\bup\b/.test(c.text));
    expect(up).toBeGreaterThan(-1);
    for (const v of required)
      expect(
        DEPLOY.slice(0, up).some(
          (c) => c.section === DEPLOY[up]!.section && new RegExp(`^export ${v}=\\S`).test(c.text),
        ),
        `${v} before ${where(DEPLOY[up]!)}`,
      ).toBe(true);
  });

  describe('Kubernetes', () => {
    const kustomization = parseYaml(read('deploy/k8s/kustomization.yaml')) as {
      namespace: string;
      resources: string[];
    };
    const ns = kustomization.namespace;
    const manifests = (file: string) =>
      parseAllDocuments(read(file)).map(
        (d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: any; data?: any; stringData?: any },
      );
    const kube = DEPLOY.filter((c) => /^kubectl /.test(c.text));
    const createdSecrets = kube.flatMap((c, i) => {
      const m = /create secret generic (\S+)/.exec(c.text);
      return m
        ? [
            {
              name: m[1]!,
              at: i,
              keys: [...c.text.matchAll(/--from-literal=([\w.-]+)=("[^"]+"|\S+)/g)].map((k) => ({
                key: k[1]!,
                value: k[2]!,
              })),
            },
          ]
        : [];
    });

    it('creates the namespace before anything is put in it, and uses no other', () => {
      expect(manifests('deploy/k8s/namespace.yaml')[0]!.metadata.name).toBe(ns);
      const creates = kube.findIndex(
        (c) => c.text === 'kubectl apply -f deploy/k8s/namespace.yaml' || c.text === `kubectl create namespace ${ns}`,
      );
      const firstUse = kube.findIndex((c) => / -n \S+/.test(c.text) || /apply -k/.test(c.text));
      expect(creates, 'a command creates the namespace').toBeGreaterThan(-1);
      expect(creates, `namespace created before ${kube[firstUse] && where(kube[firstUse])}`).toBeLessThan(firstUse);
      for (const c of kube) for (const m of c.text.matchAll(/ -n (\S+)/g)) expect(m[1], where(c)).toBe(ns);
    });

    it('every Secret a workload needs exists before the workload is applied, with the keys it reads', () => {
      const applies = kube.flatMap((c, i) => {
        if (/apply -k deploy\/k8s$/.test(c.text))
          return kustomization.resources.map((r) => ({ file: `deploy/k8s/${r}`, at: i }));
        const f = /apply -f (deploy\/k8s\/\S+)/.exec(c.text)?.[1];
        return f ? [{ file: f, at: i }] : [];
      });
      expect(applies.some((a) => a.file.endsWith('gateway.yaml'))).toBe(true);
      const shipped = applies.flatMap((a) => manifests(a.file).filter((o) => o.kind === 'Secret'));
      const problems: string[] = [];
      for (const { file, at } of applies)
        for (const obj of manifests(file)) {
          const pod = obj.spec?.template?.spec;
          for (const c of pod?.containers ?? []) {
            const refs = [
              ...(c.envFrom ?? []).flatMap((f: any) =>
                f.secretRef ? [{ name: f.secretRef.name, optional: f.secretRef.optional, key: undefined }] : [],
              ),
              ...(c.env ?? []).flatMap((e: any) =>
                e.valueFrom?.secretKeyRef ? [{ ...e.valueFrom.secretKeyRef }] : [],
              ),
            ];
            for (const ref of refs) {
              if (ref.optional) continue;
              const made = createdSecrets.find((s) => s.name === ref.name && s.at < at);
              if (shipped.some((s) => s.metadata.name === ref.name)) continue;
              if (!made)
                problems.push(
                  `${file} ${obj.metadata.name} needs Secret ${ref.name}, not created before it is applied`,
                );
              else if (ref.key && !made.keys.some((k) => k.key === ref.key))
                problems.push(`Secret ${ref.name} lacks key ${ref.key}`);
            }
          }
        }
      expect(problems).toEqual([]);
      // No committed Secret may carry an empty GATEWAY_API_KEYS: the gateway would exit 2 on 0.0.0.0.
      for (const s of shipped)
        expect(s.stringData?.GATEWAY_API_KEYS ?? s.data?.GATEWAY_API_KEYS ?? 'none').not.toBe('');
    });

    it('gives the gateway a key, as its ConfigMap HOST is not loopback', () => {
      const config = manifests('deploy/k8s/gateway-config.yaml')[0]!;
      expect(config.data.HOST).toBe('0.0.0.0');
      const keys = createdSecrets.find((s) => s.name === 'bestofn-keys');
      expect(keys?.keys.find((k) => k.key === 'GATEWAY_API_KEYS')?.value).toMatch(
        /^"?\$GATEWAY_API_KEYS"?$|^[^"$]{8,}$/,
      );
      const set = DEPLOY.findIndex((c) => /^export GATEWAY_API_KEYS=\S/.test(c.text));
      expect(set).toBeGreaterThan(-1);
    });

    it('the eval Job reads a dataset the image ships, on storage every shard can write', () => {
      const job = manifests('deploy/k8s/jobs/eval-sharded.yaml');
      const claim = job.find((o) => o.kind === 'PersistentVolumeClaim')!;
      const shards = job.find((o) => o.kind === 'Job')!;
      const dataset = /--dataset (\S+)/.exec(shards.spec.template.spec.containers[0].args.join(' '))![1]!;
      expect(fs.existsSync(path.join(REPO_ROOT, 'data', `${dataset}.jsonl`))).toBe(true);
      expect(dockerfile.match(/^COPY data \.\/data$/gm)?.length).toBe(
        stages.filter((s) => ['slim', 'cpu', 'cuda'].includes(s)).length,
      );
      if (shards.spec.parallelism > 1) expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
      expect(read('deploy/README.md')).toMatch(/ReadWriteMany/);
    });
  });

  it('Workers: the key is a documented secret, and what Workers lack is said', () => {
    const workers = DEPLOY.filter((c) => c.section === 'Cloudflare Workers');
    expect(workers.map((c) => c.text)).toContain('npx wrangler secret put GATEWAY_API_KEYS');
    expect(read('wrangler.toml')).toMatch(/wrangler secret put GATEWAY_API_KEYS/);
    expect(read('deploy/README.md')).toMatch(/Not on Workers:\*\* `\/metrics`/);
  });
});
