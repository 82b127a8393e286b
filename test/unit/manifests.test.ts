import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { renderManifests, renderManifestsYielding, type RenderSettings } from '../../src/lib/manifests/render.js';
import { parseDocuments } from '../../src/lib/manifests/yaml.js';
import { loadDocuments, resolveManifestFiles, staticBase } from '../../src/lib/manifests/load.js';
import { deepMerge } from '../../src/lib/manifests/merge.js';
import { parseEnvFile, readSecretValues, fillSecret } from '../../src/lib/manifests/secrets.js';
import { formatImage, parseImage, parseImagesInput } from '../../src/lib/manifests/images.js';
import type { Manifest } from '../../src/lib/manifests/validate.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const D = (c: string) => `sha256:${c.repeat(64)}`;
const PROD_IMAGES = parseImagesInput(
  'images',
  new Map([
    ['phlo-dagster', `123456789012.dkr.ecr.us-east-1.amazonaws.com/phlo-dagster@${D('a')}`],
    ['trinodb/trino', `123456789012.dkr.ecr.us-east-1.amazonaws.com/trino@${D('b')}`],
    ['nessie', `123456789012.dkr.ecr.us-east-1.amazonaws.com/nessie@${D('c')}`],
  ]),
);

function settings(over: Partial<RenderSettings> = {}): RenderSettings {
  return {
    workspace: repo,
    manifests: ['k8s'],
    environment: 'production',
    images: PROD_IMAGES,
    labels: new Map(),
    annotations: new Map(),
    commit: '0123456789abcdef0123456789abcdef01234567',
    runUrl: 'https://github.com/acme/phlo/actions/runs/42',
    ...over,
  };
}

function find(objects: Manifest[], kind: string, name: string): any {
  const m = objects.find((o) => o.ref.kind === kind && o.ref.name === name);
  if (!m) throw new Error(`${kind}/${name} not rendered`);
  return m.object;
}

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigurationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigurationError');
}

/** The webserver's readiness probe in k8s/base (the local overlay changes only its timing). */
const BASE_READINESS = {
  httpGet: { path: '/ready', port: 'http' },
  initialDelaySeconds: 10,
  periodSeconds: 5,
  timeoutSeconds: 5,
  failureThreshold: 1,
};

describe('rendered production output (k8s/)', () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'phlo-render-')), 'production.yaml');
  const logger = new MemoryLogger();
  const result = renderManifests(settings({ output: out }), logger);
  // read back what is on disk: the test checks the written output, not the in-memory objects
  const docs = parseDocuments(readFileSync(out, 'utf8')) as any[];
  const objects: Manifest[] = docs.map((o, i) => ({
    ref: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace },
    object: o,
    source: `doc ${i}`,
    scope: 'namespaced',
  }));

  test('lists the whole stack in tier order', () => {
    expect(result.refs.length).toBe(docs.length);
    const names = objects.map((o) => `${o.ref.kind}/${o.ref.namespace ?? ''}/${o.ref.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Namespace//dagster',
        'Namespace//data-warehouse',
        'ServiceAccount/dagster/dagster',
        'ConfigMap/dagster/phlo-config',
        'Deployment/dagster/dagster-webserver',
        'Service/dagster/dagster-webserver',
        'PodDisruptionBudget/dagster/dagster-webserver',
        'Deployment/dagster/dagster-daemon',
        'Deployment/dagster/dagster-compute',
        'HorizontalPodAutoscaler/dagster/dagster-compute',
        'Deployment/data-warehouse/trino-coordinator',
        'Deployment/data-warehouse/trino-worker',
        'HorizontalPodAutoscaler/data-warehouse/trino-worker',
        'Deployment/data-warehouse/nessie',
      ]),
    );
    expect(objects[0]!.ref.kind).toBe('Namespace');
    const tiers = objects.map((o) => o.ref.kind);
    expect(tiers.indexOf('ConfigMap')).toBeLessThan(tiers.indexOf('Service'));
    expect(tiers.indexOf('Service')).toBeLessThan(tiers.indexOf('Deployment'));
    expect(tiers.lastIndexOf('Deployment')).toBeLessThan(tiers.indexOf('HorizontalPodAutoscaler'));
  });

  test('webserver: replicas, resources, ports, probes, scrape annotations, envFrom, affinity, nodeSelector, logs', () => {
    const d = find(objects, 'Deployment', 'dagster-webserver');
    expect(d.spec.replicas).toBe(2);
    const pod = d.spec.template;
    const c = pod.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 3000, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(pod.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9090',
      'prometheus.io/path': '/metrics',
    });
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/health', port: 'http' },
      initialDelaySeconds: 40,
      periodSeconds: 30,
      timeoutSeconds: 10,
      failureThreshold: 3,
    });
    expect(c.readinessProbe).toEqual(BASE_READINESS);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'phlo-secrets' } }, { configMapRef: { name: 'phlo-config' } }]);
    const anti = pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(anti).toHaveLength(1);
    expect(anti[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(pod.spec.nodeSelector).toEqual({ workload: 'compute' });
    expect(pod.spec.volumes).toEqual([{ name: 'logs', emptyDir: {} }]);
    expect(c.volumeMounts).toEqual([{ name: 'logs', mountPath: '/opt/dagster/logs' }]);
    expect(c.image).toBe(formatImage(PROD_IMAGES.get('phlo-dagster')!));
  });

  test('webserver Service and PDB', () => {
    const s = find(objects, 'Service', 'dagster-webserver');
    expect(s.spec.type).toBe('LoadBalancer');
    expect(s.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 3000, protocol: 'TCP' }]);
    const pdb = find(objects, 'PodDisruptionBudget', 'dagster-webserver');
    expect(pdb.spec.minAvailable).toBe(1);
  });

  test('daemon has 1 replica; compute HPA 1..20, 70 % CPU, 80 % memory, the scaling behaviour', () => {
    expect(find(objects, 'Deployment', 'dagster-daemon').spec.replicas).toBe(1);
    expect(find(objects, 'Deployment', 'dagster-compute').spec.replicas).toBeUndefined();
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'dagster-compute');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dagster-compute' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 20]);
    const targets = Object.fromEntries(
      hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]),
    );
    expect(targets).toEqual({ cpu: 70, memory: 80 });
    expect(hpa.spec.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    });
    expect(hpa.spec.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }],
    });
  });

  test('trino workers 3..10 by HPA, coordinator and nessie in data-warehouse', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'trino-worker');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 10]);
    expect(hpa.metadata.namespace).toBe('data-warehouse');
    expect(find(objects, 'Deployment', 'trino-coordinator').metadata.namespace).toBe('data-warehouse');
    expect(find(objects, 'Deployment', 'nessie').spec.template.spec.containers[0].image).toBe(
      formatImage(PROD_IMAGES.get('nessie')!),
    );
  });

  test('standard labels on objects and pod templates, never on selectors; commit and run URL annotations', () => {
    for (const o of objects) {
      expect(o.object.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'phlo-deploy',
        'app.kubernetes.io/part-of': 'phlo',
        'phlo.dev/environment': 'production',
      });
      expect((o.object.metadata as any).annotations).toMatchObject({
        'phlo.dev/commit': '0123456789abcdef0123456789abcdef01234567',
        'phlo.dev/run-url': 'https://github.com/acme/phlo/actions/runs/42',
      });
    }
    const d = find(objects, 'Deployment', 'dagster-webserver');
    expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'dagster-webserver' } });
    expect(d.spec.template.metadata.labels['phlo.dev/environment']).toBe('production');
    expect(d.spec.template.metadata.annotations['phlo.dev/commit']).toBeUndefined();
    expect(find(objects, 'Service', 'dagster-webserver').spec.selector).toEqual({
      'app.kubernetes.io/name': 'dagster-webserver',
    });
    expect(find(objects, 'PodDisruptionBudget', 'dagster-webserver').spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'dagster-webserver' },
    });
  });

  test('declared variables are substituted', () => {
    const cm = find(objects, 'ConfigMap', 'phlo-config');
    expect(cm.data.PHLO_ENVIRONMENT).toBe('production');
    expect(cm.data.S3_WAREHOUSE).toBe('s3://phlo-warehouse-production/');
    expect(readFileSync(out, 'utf8')).not.toContain('${');
  });
});

describe('renderManifestsYielding (drift-check renders while its cluster reads go on)', () => {
  test('the same result as renderManifests, with the event loop run between the files it parses', async () => {
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const yielded = await renderManifestsYielding(settings(), new MemoryLogger());
    counting = false;
    expect(yielded).toEqual(renderManifests(settings(), new MemoryLogger()));
    // k8s/base holds 7 files: a pause after each but the last, and after the base and the overlays
    expect(turns).toBeGreaterThanOrEqual(6);
  });

  test('a problem rejects with the same error', async () => {
    const bad = settings({ environment: 'nowhere' });
    const thrown = errorOf(() => renderManifests(bad, new MemoryLogger()));
    await expect(renderManifestsYielding(bad, new MemoryLogger())).rejects.toThrow(thrown.message);
  });
});

describe('render rules', () => {
  const logger = new MemoryLogger();

  test('production refuses a tag-only image, naming the container and the image', () => {
    const images = new Map(PROD_IMAGES);
    images.delete('trinodb/trino');
    const e = errorOf(() => renderManifests(settings({ images }), logger));
    expect(e.message).toContain("Deployment data-warehouse/trino-coordinator container 'trino'");
    expect(e.message).toContain("image 'trinodb/trino:476' is not pinned by digest");
    expect(e.message).toContain("Deployment data-warehouse/trino-worker container 'trino'");
  });

  test('staging overlay patches the HPA and keeps the rest; local shrinks requests, keeps probes and probes readiness at once', () => {
    const staging = renderManifests(settings({ environment: 'staging', images: new Map() }), logger);
    const hpa = find(staging.objects, 'HorizontalPodAutoscaler', 'dagster-compute');
    expect(hpa.spec.maxReplicas).toBe(5);
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(find(staging.objects, 'Deployment', 'dagster-webserver').spec.replicas).toBe(1);
    const local = renderManifests(settings({ environment: 'local', images: new Map() }), logger);
    const c = find(local.objects, 'Deployment', 'dagster-webserver').spec.template.spec.containers[0];
    expect(c.resources.requests).toEqual({ cpu: '10m', memory: '32Mi' });
    expect(c.livenessProbe.initialDelaySeconds).toBe(40);
    // Only the readiness timing changes locally (the example app is ready within milliseconds).
    expect(c.readinessProbe).toEqual({ ...BASE_READINESS, initialDelaySeconds: 0, periodSeconds: 1 });
    expect(c.image).toBe('phlo-dagster:latest');
  });

  test('local: only the webserver goes to the real node (selector and toleration); other environments keep the KWOK placement', () => {
    const podSpec = (env: string, name: string) =>
      find(
        renderManifests(settings({ environment: env, images: env === 'production' ? PROD_IMAGES : new Map() }), logger)
          .objects,
        'Deployment',
        name,
      ).spec.template.spec;
    const real = { nodeSelector: { 'phlo.dev/node': 'real' } };
    const toleration = { key: 'phlo.dev/node', operator: 'Equal', value: 'real', effect: 'NoSchedule' };
    const web = podSpec('local', 'dagster-webserver');
    expect(web.nodeSelector).toEqual(real.nodeSelector);
    expect(web.tolerations).toEqual([toleration]);
    // The example app listens where Dagster's webserver does: containerPort http (3000).
    expect(web.containers[0].env).toEqual([{ name: 'LISTEN', value: ':3000' }]);
    expect(web.containers[0].ports[0]).toMatchObject({ name: 'http', containerPort: 3000 });
    for (const name of ['dagster-daemon', 'dagster-compute', 'trino-coordinator', 'trino-worker', 'nessie']) {
      const spec = podSpec('local', name);
      expect({ name, nodeSelector: spec.nodeSelector, tolerations: spec.tolerations }).toEqual({
        name,
        nodeSelector: { workload: 'compute' },
        tolerations: undefined,
      });
    }
    // The demo's fallback without the real node (scripts/demo-manifests.sh): the same rendering, but
    // the webserver placed as the rest, on the KWOK nodes.
    const out = mkdtempSync(path.join(os.tmpdir(), 'phlo-demo-kwok-'));
    execFileSync('bash', [path.join(repo, 'scripts/demo-manifests.sh'), out]);
    const kwok = renderManifests(settings({ workspace: out, environment: 'local', images: new Map() }), logger);
    const kwokWeb = find(kwok.objects, 'Deployment', 'dagster-webserver').spec.template.spec;
    expect({ nodeSelector: kwokWeb.nodeSelector, tolerations: kwokWeb.tolerations }).toEqual({
      nodeSelector: { workload: 'compute' },
      tolerations: undefined,
    });
    expect({ ...kwokWeb, nodeSelector: undefined }).toEqual({
      ...web,
      nodeSelector: undefined,
      tolerations: undefined,
    });
    for (const env of ['staging', 'production']) {
      const spec = podSpec(env, 'dagster-webserver');
      expect({
        env,
        nodeSelector: spec.nodeSelector,
        tolerations: spec.tolerations,
        c: spec.containers[0].env,
      }).toEqual({ env, nodeSelector: { workload: 'compute' }, tolerations: undefined, c: undefined });
    }
  });

  test('an unknown environment names the known ones', () => {
    const e = errorOf(() => renderManifests(settings({ environment: 'qa' }), logger));
    expect(e.message).toMatch(
      /Input 'environment' is 'qa': expected one of the environments .*local.*production.*staging/,
    );
  });

  test('an undeclared ${VAR} names the file and the variable; $${VAR} is a literal', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-ws-'));
    writeFileSync(
      path.join(ws, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\ndata:\n  A: ${DECLARED}\n  B: ${NOPE}\n  C: $${LITERAL}\n',
    );
    writeFileSync(path.join(ws, 'settings.yaml'), 'variables:\n  DECLARED: yes-value\n');
    const e = errorOf(() =>
      renderManifests(
        settings({ workspace: ws, manifests: ['cm.yaml'], settingsFile: 'settings.yaml', environment: 'test' }),
        logger,
      ),
    );
    expect(e.message).toContain('cm.yaml document 1: ${NOPE} is not a declared variable');
    writeFileSync(
      path.join(ws, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\ndata:\n  A: ${DECLARED}\n  C: $${LITERAL}\n',
    );
    const r = renderManifests(
      settings({ workspace: ws, manifests: ['cm.yaml'], settingsFile: 'settings.yaml', environment: 'test' }),
      logger,
    );
    expect((r.objects[0]!.object as any).data).toEqual({ A: 'yes-value', C: '${LITERAL}' });
  });

  test('secrets: values masked, the rendered file has keys only, apply fills them in memory', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-ws-'));
    cpSync(path.join(repo, 'k8s'), path.join(ws, 'k8s'), { recursive: true });
    writeFileSync(
      path.join(ws, '.env.prod'),
      '# comment\nDAGSTER_PG_PASSWORD=s3cr3t-pg-value\n\nAWS_SECRET=abc/def+ghi==\n',
    );
    const masked: string[] = [];
    const values = readSecretValues({ envFile: '.env.prod', inline: 'EXTRA_TOKEN=tok-987654', workspace: ws }, (s) =>
      masked.push(s),
    );
    expect(masked).toEqual(
      expect.arrayContaining([
        's3cr3t-pg-value',
        'abc/def+ghi==',
        'tok-987654',
        Buffer.from('s3cr3t-pg-value').toString('base64'),
      ]),
    );
    const out = path.join(ws, 'out', 'rendered.yaml');
    const r = renderManifests(
      settings({ workspace: ws, output: out, secret: { name: 'phlo-secrets', namespace: 'dagster', values } }),
      logger,
    );
    const text = readFileSync(out, 'utf8');
    for (const secret of [
      's3cr3t-pg-value',
      'abc/def+ghi==',
      'tok-987654',
      Buffer.from('s3cr3t-pg-value').toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
      expect(logger.text()).not.toContain(secret);
    }
    const secret = find(r.objects, 'Secret', 'phlo-secrets');
    expect(secret.data).toBeUndefined();
    expect(secret.metadata.annotations['phlo.dev/secret-keys']).toBe('AWS_SECRET,DAGSTER_PG_PASSWORD,EXTRA_TOKEN');
    const filled = fillSecret(secret, values, 'test') as any;
    expect(Buffer.from(filled.data.DAGSTER_PG_PASSWORD, 'base64').toString()).toBe('s3cr3t-pg-value');
    expect(() => fillSecret(secret, new Map(), 'x')).toThrow(/needs keys AWS_SECRET, DAGSTER_PG_PASSWORD, EXTRA_TOKEN/);
  });

  test('env file errors never echo the value', () => {
    const e = errorOf(() => parseEnvFile('GOOD=1\nthis-is-a-leaked-password\n', '.env', () => undefined));
    expect(e.message).toBe(".env line 2: expected KEY=value (a key of letters, digits, '-', '_' or '.').");
    expect(() => parseEnvFile('A=1\nA=2\n', '.env', () => undefined)).toThrow(/key 'A' is set twice/);
  });

  test('env file outside the workspace is refused', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-ws-'));
    const outside = mkdtempSync(path.join(os.tmpdir(), 'phlo-out-'));
    writeFileSync(path.join(outside, '.env'), 'A=1\n');
    symlinkSync(path.join(outside, '.env'), path.join(ws, '.env'));
    expect(() => readSecretValues({ envFile: '.env', workspace: ws }, () => undefined)).toThrow(
      /Input 'env-file' is '.env': expected a file inside the workspace/,
    );
  });
});

describe('yaml safety', () => {
  test('an alias bomb is refused quickly without expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    expect(() => parseDocuments(lines.join('\n'))).toThrow(/too many YAML aliases|alias bomb/);
    // under the alias-count limit but still exploding: the expansion size check catches it
    const deep = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      deep.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    expect(() => parseDocuments(deep.join('\n'), { maxNodes: 200_000, maxAliases: 1000, maxChars: 1e9 })).toThrow(
      /expands to \d+ nodes .*alias bomb/,
    );
  });

  test('a few aliases of a long string are refused by the character budget, naming the file', () => {
    // 31 aliases and ~1,100 nodes (far under both limits), but 1,000 copies of a 40 KB string: 40 MB
    const long = 'x'.repeat(40_000);
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: bomb}',
      `s: &s "${long}"`,
      `l1: &l1 [${Array(10).fill('*s').join(',')}]`,
      `l2: &l2 [${Array(10).fill('*l1').join(',')}]`,
      `data: {k: [${Array(10).fill('*l2').join(',')}]}`,
    ].join('\n');
    expect(() => parseDocuments(text)).toThrow(/expands to \d+ characters .*at most 8388608.*alias bomb/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-bomb-'));
    writeFileSync(path.join(dir, 'bomb.yaml'), text);
    expect(() => loadDocuments([path.join(dir, 'bomb.yaml')], [dir])).toThrow(/bomb\.yaml: document 1 expands to/);
  });

  test('a few aliases are fine and are deep-copied', () => {
    const [doc] = parseDocuments('a: &x {k: v}\nb: *x\n') as any[];
    expect(doc.b).toEqual({ k: 'v' });
    expect(doc.b).not.toBe(doc.a);
  });

  test('malformed YAML names the line', () => {
    expect(() => parseDocuments('a: [1, 2\nb: c\n')).toThrow(/malformed YAML at line \d+/);
  });
});

describe('merge', () => {
  test('maps merge, null deletes, lists replace, containers merge by name', () => {
    const base = {
      spec: {
        a: 1,
        b: { c: 2, d: 3 },
        args: ['x', 'y'],
        containers: [
          { name: 'one', image: 'i', env: [{ name: 'A', value: '1' }] },
          { name: 'two', image: 'j' },
        ],
      },
    };
    const patch = {
      spec: {
        b: { d: null, e: 4 },
        args: ['z'],
        containers: [
          { name: 'two', image: 'k' },
          { name: 'three', image: 'l' },
        ],
      },
    };
    expect(deepMerge(base, patch)).toEqual({
      spec: {
        a: 1,
        b: { c: 2, e: 4 },
        args: ['z'],
        containers: [
          { name: 'one', image: 'i', env: [{ name: 'A', value: '1' }] },
          { name: 'two', image: 'k' },
          { name: 'three', image: 'l' },
        ],
      },
    });
    expect(base.spec.b).toEqual({ c: 2, d: 3 });
  });
});

describe('images', () => {
  test('parses references', () => {
    expect(parseImage(`127.0.0.1:15000/phlo/app:1.2@${D('a')}`)).toEqual({
      repository: '127.0.0.1:15000/phlo/app',
      tag: '1.2',
      digest: D('a'),
    });
    expect(parseImage('trinodb/trino:476')).toEqual({ repository: 'trinodb/trino', tag: '476' });
    expect(parseImage('Bad Image')).toBeUndefined();
    expect(parseImage('repo@sha256:short')).toBeUndefined();
  });

  test('the images input needs digests', () => {
    expect(() => parseImagesInput('images', new Map([['app', 'repo/app:1']]))).toThrow(
      "Input 'images' is 'app=repo/app:1': expected name=registry/repository[:tag]@sha256:<64 hex digits> (pinned by digest).",
    );
    expect(parseImagesInput('images', new Map([['app', `repo/app@${D('f')}`]])).get('app')).toEqual({
      repository: 'repo/app',
      digest: D('f'),
    });
  });
});

describe('the owner label', () => {
  test('the deploying repository labels every object (not pod templates, which would restart them)', () => {
    const { objects } = renderManifests(settings({ owner: 'acme/phlo' }), new MemoryLogger());
    for (const o of objects) expect((o.object.metadata.labels as any)['phlo.dev/owner']).toBe('acme.phlo');
    const d = find(objects, 'Deployment', 'dagster-webserver');
    expect(d.spec.template.metadata.labels['phlo.dev/owner']).toBeUndefined();
    const none = renderManifests(settings(), new MemoryLogger()).objects;
    expect(none.some((o) => (o.object.metadata.labels as any)['phlo.dev/owner'])).toBe(false);
  });
});

describe('workspace boundaries', () => {
  test('a symlink escaping the workspace is refused', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-ws-'));
    const outside = mkdtempSync(path.join(os.tmpdir(), 'phlo-out-'));
    writeFileSync(path.join(outside, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\n');
    mkdirSync(path.join(ws, 'm'));
    symlinkSync(path.join(outside, 'x.yaml'), path.join(ws, 'm', 'x.yaml'));
    const e = errorOf(() =>
      renderManifests(settings({ workspace: ws, manifests: ['m'], environment: 'test' }), new MemoryLogger()),
    );
    expect(e.message).toContain('outside the workspace');
  });

  test('a relative glob climbing out of the workspace is refused before anything outside is walked', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'phlo-glob-'));
    const ws = path.join(root, 'ws');
    mkdirSync(path.join(ws, 'k8s'), { recursive: true });
    mkdirSync(path.join(root, 'elsewhere', 'deep'), { recursive: true });
    writeFileSync(path.join(root, 'elsewhere', 'deep', 'secret-plan.yaml'), 'kind: ConfigMap\n');
    for (const pattern of ['../elsewhere/**/*.yaml', '../**/*.yaml', `${root}/**/*.yaml`]) {
      const e = errorOf(() => resolveManifestFiles('manifests', [pattern], ws, [ws]));
      expect(e.message).toContain(`Input 'manifests' has '${pattern}': the pattern starts at`);
      // refused from its static base: no file outside was listed
      expect(e.message).not.toContain('secret-plan.yaml');
    }
    expect(staticBase('../../**/*.yaml')).toBe('../..');
    expect(staticBase('k8s/*/x.yaml')).toBe('k8s');
    expect(staticBase('**/*.yaml')).toBe('.');
    writeFileSync(path.join(ws, 'k8s', 'a.yaml'), 'kind: ConfigMap\n');
    expect(resolveManifestFiles('manifests', ['k8s/**/*.yaml'], ws, [ws])).toHaveLength(1);
    expect(resolveManifestFiles('manifests', ['./k8s/*.yaml'], ws, [ws])).toHaveLength(1);
  });
});

describe('render inputs', () => {
  test('bad labels and annotations name the input', () => {
    const e = errorOf(() =>
      renderManifests(
        settings({ labels: new Map([['team', 'data platform']]), annotations: new Map([['bad key!', 'x']]) }),
        new MemoryLogger(),
      ),
    );
    expect(e.message).toContain("Input 'labels' is 'team=data platform': expected label key=value pairs");
    expect(e.message).toContain("Input 'annotations' is 'bad key!': expected annotation keys");
  });

  test('extra labels reach objects and pod templates', () => {
    const r = renderManifests(settings({ labels: new Map([['team', 'data']]) }), new MemoryLogger());
    const d = find(r.objects, 'Deployment', 'dagster-daemon');
    expect(d.metadata.labels.team).toBe('data');
    expect(d.spec.template.metadata.labels.team).toBe('data');
    expect(d.spec.selector.matchLabels.team).toBeUndefined();
  });
});
