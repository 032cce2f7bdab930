import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import { docCommands } from '../helpers/doc-commands';

/**
 * deploy/k8s checked offline: every object against the Kubernetes schemas (kubernetes-models' validators
 * for types, required fields and formats; the TypeScript compiler with its interfaces for field names,
 * which the schemas alone let through), then the references between objects and the gateway's own config.
 */
const ROOT = path.resolve(__dirname, '../../deploy');
const K8S = path.join(ROOT, 'k8s');

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: any;
};
const MODELS: Record<string, { cls: { new (data: any): { validate(): void } }; module: string; iface: string }> = {
  'v1/Namespace': { cls: Namespace, module: 'kubernetes-models/v1/Namespace', iface: 'INamespace' },
  'v1/ConfigMap': { cls: ConfigMap, module: 'kubernetes-models/v1/ConfigMap', iface: 'IConfigMap' },
  'v1/Secret': { cls: Secret, module: 'kubernetes-models/v1/Secret', iface: 'ISecret' },
  'v1/Service': { cls: Service, module: 'kubernetes-models/v1/Service', iface: 'IService' },
  'v1/PersistentVolumeClaim': {
    cls: PersistentVolumeClaim,
    module: 'kubernetes-models/v1/PersistentVolumeClaim',
    iface: 'IPersistentVolumeClaim',
  },
  'apps/v1/Deployment': { cls: Deployment, module: 'kubernetes-models/apps/v1/Deployment', iface: 'IDeployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    cls: HorizontalPodAutoscaler,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    iface: 'IHorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': {
    cls: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    iface: 'IPodDisruptionBudget',
  },
  'batch/v1/Job': { cls: Job, module: 'kubernetes-models/batch/v1/Job', iface: 'IJob' },
};

const yamlFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
function load(file: string): Obj[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return d.toJS() as Obj;
  });
}
const FILES = [...yamlFiles(K8S), ...yamlFiles(path.join(K8S, 'jobs'))].filter(
  (f) => !f.endsWith('kustomization.yaml'),
);
const OBJECTS = FILES.flatMap((file) => load(file).map((obj) => ({ file: path.relative(ROOT, file), obj })));
const SECRETS_THE_DOCS_CREATE = docCommands('deploy/README.md').flatMap(
  (c) => /kubectl -n \S+ create secret generic (\S+)/.exec(c.text)?.[1] ?? [],
);
const all = (kind: string) => OBJECTS.filter((o) => o.obj.kind === kind).map((o) => o.obj);
const named = (kind: string, name: string) => all(kind).find((o) => o.metadata.name === name);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const podSpecs = () => [...all('Deployment'), ...all('Job')].map((o) => ({ owner: o, pod: o.spec.template }));

/** Type-checks each manifest against its kubernetes-models interface; returns the compiler's complaints. */
function strictFieldErrors(objects: readonly { file: string; obj: Obj }[]): string[] {
  const fileName = path.join(__dirname, '__manifests__.ts');
  const imports = new Set<string>();
  const lines = objects.map(({ obj }, i) => {
    const m = MODELS[`${obj.apiVersion}/${obj.kind}`]!;
    imports.add(`import type { ${m.iface} } from '${m.module}';`);
    return `export const m${i} = ${JSON.stringify(obj)} satisfies ${m.iface};`;
  });
  const source = [...imports, ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, lang, ...rest) =>
    f === fileName ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, ...rest);
  host.fileExists = (f) => f === fileName || fileExists.call(host, f);
  host.readFile = (f) => (f === fileName ? source : readFile.call(host, f));
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const where = line >= 0 && d.file?.fileName === fileName ? objects[line - imports.size]?.file : d.file?.fileName;
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('deploy/k8s', () => {
  it('every object validates against the Kubernetes schema of its kind', () => {
    expect(OBJECTS.length).toBeGreaterThan(10);
    for (const { file, obj } of OBJECTS) {
      const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
      expect(model, `${file}: ${obj.apiVersion} ${obj.kind} has no schema here`).toBeDefined();
      expect(() => new model!.cls(obj).validate(), `${file}: ${obj.kind}/${obj.metadata.name}`).not.toThrow();
    }
  });

  it('no object has a field its kind does not define (a typo the schemas let through)', () => {
    expect(strictFieldErrors(OBJECTS)).toEqual([]);
    // The check can fail: a misspelt probe field is caught.
    const gateway = structuredClone(named('Deployment', 'bestofn')!);
    gateway.spec.template.spec.containers[0].readinessProbe.periodSecond = 5;
    const typo = strictFieldErrors([{ file: 'typo.yaml', obj: gateway }]);
    expect(typo.join('\n')).toMatch(/typo\.yaml: .*periodSecond.* does not exist in type 'IProbe'/);
  }, 60_000);

  it('kustomization.yaml lists every manifest of deploy/k8s, and the jobs stay out of it', () => {
    const kustomization = parseYaml(fs.readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    const top = yamlFiles(K8S)
      .map((f) => path.basename(f))
      .filter((f) => f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(top.sort());
  });

  it('selectors find their pods, and named ports and referenced objects exist', () => {
    for (const d of [...all('Deployment')])
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
    for (const svc of all('Service')) {
      const pods = all('Deployment').filter((d) => matches(svc.spec.selector, d.spec.template.metadata.labels));
      expect(
        pods.map((d) => d.metadata.name),
        `Service ${svc.metadata.name}`,
      ).toHaveLength(1);
      const portNames = pods[0]!.spec.template.spec.containers.flatMap((c: any) =>
        (c.ports ?? []).map((p: any) => p.name),
      );
      for (const p of svc.spec.ports)
        expect(portNames, `Service ${svc.metadata.name} targetPort ${p.targetPort}`).toContain(p.targetPort);
    }
    for (const hpa of all('HorizontalPodAutoscaler'))
      expect(named(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name), hpa.metadata.name).toBeDefined();
    for (const pdb of all('PodDisruptionBudget'))
      expect(
        all('Deployment').filter((d) => matches(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels)),
      ).toHaveLength(1);
    for (const { owner, pod } of podSpecs()) {
      for (const v of pod.spec.volumes ?? [])
        if (v.persistentVolumeClaim)
          expect(named('PersistentVolumeClaim', v.persistentVolumeClaim.claimName), owner.metadata.name).toBeDefined();
      for (const c of pod.spec.containers) {
        expect(
          c.resources?.requests?.cpu && c.resources?.requests?.memory,
          `${owner.metadata.name}/${c.name} resource requests`,
        ).toBeTruthy();
        const mounts = new Set(c.volumeMounts?.map((m: any) => m.name));
        expect(
          new Set((pod.spec.volumes ?? []).map((v: any) => v.name)),
          `${owner.metadata.name}/${c.name} volumes`,
        ).toEqual(mounts);
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) {
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
          if (typeof port === 'string')
            expect(
              c.ports.map((p: any) => p.name),
              `${owner.metadata.name} probe port`,
            ).toContain(port);
        }
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) expect(named('ConfigMap', from.configMapRef.name)).toBeDefined();
          // A Secret of keys is created by deploy/README.md's quick start, never committed (doc-commands.test.ts).
          if (from.secretRef && !from.secretRef.optional)
            expect(
              named('Secret', from.secretRef.name) ?? SECRETS_THE_DOCS_CREATE.includes(from.secretRef.name),
              from.secretRef.name,
            ).toBeTruthy();
        }
      }
    }
  });

  it('the Indexed Job splits into as many shards as it has completions, and the merge Job joins all of them', () => {
    const shards = named('Job', 'bestofn-eval')!;
    const merge = named('Job', 'bestofn-eval-merge')!;
    const k = shards.spec.completions;
    expect(shards.spec.completionMode).toBe('Indexed');
    expect(shards.spec.template.spec.containers[0].args.join(' ')).toContain(`--shard "$JOB_COMPLETION_INDEX/${k}"`);
    const args: string[] = merge.spec.template.spec.containers[0].args;
    expect(args[args.indexOf('--merge') + 1]!.split(',')).toEqual(
      Array.from({ length: k }, (_, i) => `/results/shard-${i}`),
    );
  });

  describe('the gateway Deployment against the gateway itself', () => {
    const deployment = named('Deployment', 'bestofn')!;
    const container = deployment.spec.template.spec.containers[0];
    const configMap = named('ConfigMap', container.envFrom.find((f: any) => f.configMapRef).configMapRef.name)!;
    const env: Record<string, string> = { ...configMap.data, GATEWAY_API_KEYS: 'probe-key' };
    const config = parseConfig(env);
    let gateway: RunningGateway;

    beforeAll(async () => {
      // The ConfigMap's own settings, served on loopback; its Services do not resolve here, as in a pod
      // whose Redis and upstream are down: /readyz is served, and says not ready (503) until the upstream answers.
      gateway = await startGateway(
        parseConfig({ ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }),
        createLogger('silent'),
      );
    });
    afterAll(async () => gateway?.close());

    it('the ConfigMap parses as a gateway config, and the container port is its PORT', () => {
      expect(container.ports.find((p: any) => p.name === 'http').containerPort).toBe(config.PORT);
    });

    it('probes use paths the gateway serves: liveness /healthz, readiness /readyz', async () => {
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect((await fetch(`${gateway.url}${container.livenessProbe.httpGet.path}`)).status).toBe(200);
      const ready = await fetch(`${gateway.url}${container.readinessProbe.httpGet.path}`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'not ready',
        checks: { redis: { ok: true, failure_mode: 'local' } },
      });
    }, 20_000);

    it('the termination grace covers the preStop pause plus SHUTDOWN_GRACE_MS, without idling long past it', () => {
      const cmd: string[] = container.lifecycle.preStop.exec.command;
      expect(cmd[0]).toBe('sleep');
      const pause = Number(cmd[1]);
      const needed = pause + config.SHUTDOWN_GRACE_MS / 1000;
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(needed);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeLessThanOrEqual(needed + 30);
    });

    it('REDIS_URL, UPSTREAM_BASE_URL and SCORER_URL name Services and ports of these manifests', () => {
      for (const key of ['REDIS_URL', 'UPSTREAM_BASE_URL', 'SCORER_URL'] as const) {
        const url = new URL(config[key]!);
        const svc = named('Service', url.hostname);
        expect(svc, `${key} → ${url.hostname}`).toBeDefined();
        expect(
          svc!.spec.ports.map((p: any) => String(p.port)),
          key,
        ).toContain(url.port || '80');
      }
    });
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parseYaml(fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8')) as {
    services: Record<string, any>;
  };

  it('runs Redis with a health check, and the gateway waits for it and points REDIS_URL at it', () => {
    const gateway = compose.services.gateway;
    const url = new URL(gateway.environment.REDIS_URL);
    expect(compose.services[url.hostname]?.healthcheck).toBeDefined();
    expect(gateway.depends_on[url.hostname]).toEqual({ condition: 'service_healthy' });
    expect(compose.services[url.hostname].command).toContain('--save');
  });
});
