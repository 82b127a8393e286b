/**
 * drift-check on the local stack: a real API server, real field managers (every change is made with
 * the stack's kubectl, as a person would), no mocks of Kubernetes. One environment is deployed; each
 * change test makes its change, checks, then deploys again (force) and checks that it is clean.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import pLimit from 'p-limit';
import { kubeConfig, waitFor } from '../helpers/stack.js';
import {
  SECRET_VALUE,
  baseYaml,
  check,
  deployEnvironment,
  kubectl,
  redeploy,
  renderSettings,
  summaryOf,
  writeWorkspace,
  type DriftEnv,
} from './drift.fixtures.js';
import { parseIgnoreRules } from '../../src/lib/drift/ignore.js';
import { driftSummary, itemLine } from '../../src/lib/drift/report.js';
import { checkDrift, compareObject } from '../../src/lib/drift/check.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { groupKindKey, listEnvironment, planObjects, predictPlans } from '../../src/lib/kube/apply.js';
import { renderManifests } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';

let d: DriftEnv;
beforeAll(async () => {
  d = await deployEnvironment();
});
afterAll(async () => {
  await d?.remove();
});

describe('no false positives', () => {
  test('a freshly deployed environment is clean: server defaults, the unchanged Secret, the record images', async () => {
    const r = await check(d);
    expect(summaryOf(r)).toEqual([]);
    expect(r.status).toBe('clean');
    expect(r.imagesFrom).toBe('record');
    expect(r.pending).toBe(false);
    expect(r.counts.checked).toBe(7);
    // the record vouches for every object but the Secret (no hash of its values is kept) and, once the
    // HPA has scaled it, the HPA's target: those are dry-run
    expect(r.counts.unchangedSinceDeploy).toBeGreaterThanOrEqual(5);
    expect(r.counts.unchangedSinceDeploy).toBeLessThanOrEqual(6);
    // dry-running everything gives the same verdict
    const full = await check(d, { full: true });
    expect(full.counts.unchangedSinceDeploy).toBe(0);
    expect(summaryOf(full)).toEqual([]);
    expect(full.status).toBe('clean');
    // the server defaulted fields we never declared (they are there, and not compared)
    const svc = JSON.parse(kubectl(['get', 'service', 'web', '-n', d.ns, '-o', 'json']));
    expect(svc.spec.sessionAffinity).toBe('None');
    expect(svc.spec.ports[0].protocol).toBe('TCP');
    const dep = JSON.parse(kubectl(['get', 'deployment', 'web', '-n', d.ns, '-o', 'json']));
    expect(dep.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(dep.spec.template.spec.containers[0].terminationMessagePath).toBe('/dev/termination-log');
  });

  test('an HPA that scaled its target: spec.replicas is not drift, and the manifest that declares it is warned about', async () => {
    await waitFor(
      'the HPA controller to scale worker to minReplicas 2',
      async () => JSON.parse(kubectl(['get', 'deployment', 'worker', '-n', d.ns, '-o', 'json'])).spec.replicas === 2,
      { timeoutMs: 60_000 },
    );
    const r = await check(d);
    expect(summaryOf(r)).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(
      /Deployment\/.*\/worker .*declares spec\.replicas but a HorizontalPodAutoscaler/,
    );
  });

  test('the record vouches only for the API server it was written on: another version dry-runs every object', async () => {
    const record = JSON.parse(
      kubectl(['get', 'configmap', `phlo-deploy-record-${d.env}`, '-n', d.ns, '-o', 'jsonpath={.data.record}']),
    );
    expect(record.cluster).toMatch(/^v1\./);
    expect(Object.keys(record.owned).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(record.owned).some((k) => k.startsWith('Secret/'))).toBe(false);
    try {
      kubectl([
        'patch',
        'configmap',
        `phlo-deploy-record-${d.env}`,
        '-n',
        d.ns,
        '--type=merge',
        '-p',
        JSON.stringify({ data: { record: JSON.stringify({ ...record, cluster: 'v0.0.1' }) } }),
      ]);
      const r = await check(d);
      expect(r.counts.unchangedSinceDeploy).toBe(0);
      expect(r.notes.join('\n')).toMatch(/recorded on v0\.0\.1: every object was dry-run/);
      expect(summaryOf(r)).toEqual([]);
    } finally {
      await redeploy(d);
    }
  });

  test('a label a controller (or a person) added is not drift', async () => {
    kubectl(['label', 'deployment', 'web', '-n', d.ns, 'team.example.com/owner=data']);
    kubectl(['annotate', 'service', 'web', '-n', d.ns, 'example.com/scraped=true']);
    const r = await check(d);
    expect(summaryOf(r)).toEqual([]);
  });

  test('a rendered set identical but for ordering: clean, and not pending', async () => {
    const file = path.join(d.ws, 'k8s', 'base', 'app.yaml');
    const original = readFileSync(file, 'utf8');
    try {
      const docs = original.split(/^---$/m).reverse();
      // also reorder keys: data values swapped in the ConfigMap
      writeFileSync(
        file,
        docs.join('---\n').replace('  LOG_LEVEL: INFO\n  MODE: batch', '  MODE: batch\n  LOG_LEVEL: INFO'),
      );
      const r = await check(d);
      expect(summaryOf(r)).toEqual([]);
      expect(r.pending).toBe(false);
    } finally {
      writeFileSync(file, original);
    }
  });

  test('the repository ahead of the last deploy is pending, not drift', async () => {
    const file = path.join(d.ws, 'k8s', 'base', 'app.yaml');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace('MODE: batch', 'MODE: stream'));
      const r = await check(d);
      expect(r.pending).toBe(true);
      expect(r.notes.join('\n')).toMatch(/pending/);
    } finally {
      writeFileSync(file, original);
    }
  });

  test('without a deploy record the images come from the live workloads, and it says so', async () => {
    kubectl(['delete', 'configmap', `phlo-deploy-record-${d.env}`, '-n', d.ns]);
    try {
      const r = await check(d);
      expect(summaryOf(r)).toEqual([]);
      expect(r.imagesFrom).toBe('live');
      expect(r.notes.join('\n')).toMatch(/No deploy record/);
    } finally {
      await redeploy(d);
    }
  });
});

describe('every real change is caught and categorised', () => {
  afterEach(async () => {
    await redeploy(d);
    const r = await check(d);
    expect(summaryOf(r)).toEqual([]);
  });

  test('kubectl set image: taken-over by kubectl-set', async () => {
    kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:9.9']);
    const r = await check(d);
    expect(summaryOf(r)).toEqual(['Deployment/web taken-over kubectl-set']);
    const item = r.items[0]!;
    expect(item.fields.map((f) => [f.path, f.change, f.owners])).toEqual([
      ['spec.template.spec.containers[name=web].image', 'changed', ['kubectl-set']],
    ]);
    expect(item.diff).toMatch(/-\s+image: example.com\/web:9.9/);
    expect(item.diff).toMatch(/\+\s+image: example.com\/web:1.0/);
    expect(r.status).toBe('drift');
    expect(r.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  test('kubectl scale of a Deployment without HPA: taken-over', async () => {
    kubectl(['scale', 'deployment/web', '-n', d.ns, '--replicas=5']);
    const r = await check(d);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]!.category).toBe('taken-over');
    expect(r.items[0]!.fields.map((f) => f.path)).toEqual(['spec.replicas']);
    expect(r.items[0]!.managers).toEqual(['kubectl']); // kubectl scale writes through the scale subresource
  });

  test('kubectl edit of a ConfigMap value: taken-over by kubectl-edit', async () => {
    kubectl(['edit', 'configmap/app-config', '-n', d.ns], {
      env: { KUBE_EDITOR: 'sed -i s/LOG_LEVEL:\\ INFO/LOG_LEVEL:\\ DEBUG/', EDITOR: '' },
    });
    const r = await check(d);
    expect(summaryOf(r)).toEqual(['ConfigMap/app-config taken-over kubectl-edit']);
    expect(r.items[0]!.fields[0]).toMatchObject({ path: 'data.LOG_LEVEL', desired: 'INFO', live: 'DEBUG' });
  });

  test('a deleted Service: missing', async () => {
    kubectl(['delete', 'service', 'web', '-n', d.ns]);
    const r = await check(d);
    expect(summaryOf(r)).toEqual(['Service/web missing']);
  });

  test('an extra object labelled for the environment, written by phlo-deploy: extraneous', async () => {
    const extra = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'left-over',
        namespace: d.ns,
        labels: { 'app.kubernetes.io/managed-by': 'phlo-deploy', 'phlo.dev/environment': d.env },
      },
      data: { a: 'b' },
    };
    kubectl(['apply', '--server-side', '--field-manager=phlo-deploy', '-f', '-'], { input: JSON.stringify(extra) });
    try {
      const r = await check(d);
      expect(summaryOf(r)).toEqual(['ConfigMap/left-over extraneous']);
    } finally {
      kubectl(['delete', 'configmap', 'left-over', '-n', d.ns]);
    }
  });

  test('a Secret value changed: modified, and the value is in no output', async () => {
    const NEW_VALUE = 'rotated-by-hand-Zx93';
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'phlo-secrets', namespace: d.ns },
      data: { DB_PASSWORD: Buffer.from(NEW_VALUE).toString('base64') },
    };
    // rotated by a script that reuses phlo-deploy's field manager: the value changed, the owner did not
    kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=phlo-deploy', '-f', '-'], {
      input: JSON.stringify(secret),
    });
    const r = await check(d);
    expect(summaryOf(r)).toEqual(['Secret/phlo-secrets modified']);
    expect(r.items[0]!.fields[0]).toMatchObject({ path: 'data.DB_PASSWORD', secret: true, change: 'changed' });
    const everything = [JSON.stringify(r), driftSummary(r), ...r.items.map(itemLine)].join('\n');
    for (const v of [NEW_VALUE, SECRET_VALUE]) {
      expect(everything).not.toContain(v);
      expect(everything).not.toContain(Buffer.from(v).toString('base64'));
    }
    expect(r.items[0]!.diff).toContain('*** (changed)');
  });

  test("a change made after the listing whose copies stand in for the live objects is still found: the dry run's resourceVersion shows the copy is stale", async () => {
    // drift-check dry-runs with the environment's listing as the live copies (no second read); an
    // object written between that listing and the dry run must be read again, not compared stale
    const client = await KubeClient.create(kubeConfig());
    try {
      const limit = pLimit(4);
      const { plans } = await planObjects(
        renderManifests(renderSettings(d), new MemoryLogger()).objects,
        d.secrets,
        client,
      );
      const listed = await listEnvironment(client, plans, d.env, limit, ['list']);
      const web = plans.find((p) => p.ref.kind === 'Deployment' && p.ref.name === 'web')!;
      const copy = listed.find((c) => groupKindKey(c) === groupKindKey(web))!;
      expect(copy).toBeDefined();
      kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:after-the-listing']);
      expect(await predictPlans(client, [web], { manager: 'phlo-deploy', force: true, limit, listed })).toEqual([]);
      expect(web.live!.metadata.resourceVersion).not.toBe(copy.live.metadata.resourceVersion);
      expect(web.live!.metadata.resourceVersion).toBe(web.dry!.metadata.resourceVersion);
      const item = compareObject(web.ref, web.live!, web.dry!, []);
      expect(item?.category).toBe('taken-over');
      expect(item?.managers).toEqual(['kubectl-set']);
    } finally {
      client.close();
    }
  });

  test('a declared label removed: drift on that label', async () => {
    kubectl(['label', 'configmap', 'app-config', '-n', d.ns, 'app.kubernetes.io/name-']);
    const r = await check(d);
    expect(r.items.map((i) => [i.ref.kind, i.category, i.fields.map((f) => [f.path, f.change])])).toEqual([
      ['ConfigMap', 'modified', [['metadata.labels["app.kubernetes.io/name"]', 'added']]],
    ]);
  });
});

describe('ignore rules', () => {
  afterEach(async () => {
    await redeploy(d);
  });

  test('a matching rule excludes; an unused rule is reported; an expired rule is an error that hides nothing', async () => {
    kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:9.9']);
    kubectl(['scale', 'deployment/web', '-n', d.ns, '--replicas=4']);
    kubectl(['delete', 'service', 'web', '-n', d.ns]);
    const rules = parseIgnoreRules(
      `rules:
  - kind: Deployment
    name: we?
    paths: [/spec/replicas]
    reason: scaled by hand during the incident
    expires: "2999-01-01"
  - kind: Service
    namespace: ${d.ns}
    name: "*"
    reason: the mesh manages Services
    expires: "2999-01-01"
  - kind: ConfigMap
    name: nothing-like-this
    reason: old
    expires: "2999-01-01"
`,
      '.phlo/drift-ignore.yaml',
    );
    const r = await check(d, { ignoreRules: rules });
    expect(summaryOf(r)).toEqual(['Deployment/web taken-over kubectl-set', 'Service/web excluded']);
    expect(r.items[0]!.fields.map((f) => f.path)).toEqual(['spec.template.spec.containers[name=web].image']);
    expect(r.drifted).toBe(1);
    expect(r.ignore.unused).toEqual(['rule 3 (ConfigMap */nothing-like-this)']);
    expect(r.warnings.join('\n')).toMatch(/rule 3 .* matched no object/);

    const expired = parseIgnoreRules(
      `rules:
  - kind: Deployment
    reason: forgotten
    expires: "2020-01-01"
`,
      'ignore.yaml',
    );
    const e = await check(d, { ignoreRules: expired });
    expect(e.status).toBe('error');
    expect(e.errors[0]!.message).toMatch(/rule 1 .* expired on 2020-01-01/);
    // the drift it would have hidden is still reported
    expect(summaryOf(e)).toEqual(['Deployment/web taken-over kubectl,kubectl-set', 'Service/web missing']);
  });
});

describe('reading while rendering', () => {
  test('the reads that need nothing rendered (server version, HPAs, the listing) go out before render has parsed the manifests', async () => {
    // the same k8s/ with a malformed file that sorts last: render fails after parsing the others
    const ws = writeWorkspace(d.ns, d.env, { ...baseYaml(d.ns), 'zz-broken.yaml': 'kind: [unclosed\n' });
    const client = await KubeClient.create(kubeConfig());
    const sent: string[] = [];
    const send = client.send.bind(client);
    client.send = (opts) => {
      sent.push(`${opts.method} ${opts.path}`);
      return send(opts);
    };
    try {
      await expect(
        checkDrift(
          { render: { ...renderSettings(d), workspace: ws }, ignoreRules: [], concurrency: 8 },
          client,
          new MemoryLogger(),
          systemClock,
        ),
      ).rejects.toThrow(/zz-broken\.yaml: malformed YAML/);
      expect(sent).toEqual(
        expect.arrayContaining([
          'GET /version',
          'GET /apis/autoscaling/v2/horizontalpodautoscalers',
          // the discovery of the listed kinds, which the listing itself follows
          'GET /api/v1',
          'GET /apis/apps/v1',
        ]),
      );
      // nothing that needs the rendered set: the record is read once render is done
      expect(sent.filter((s) => s.includes('phlo-deploy-record'))).toEqual([]);
    } finally {
      client.close();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
