/**
 * The drift-check bundle run as a runner runs it (INPUT_* variables, GITHUB_OUTPUT, the summary
 * file) against the local stack, with the recorder standing in for GitHub's REST API: exit codes,
 * outputs, the JSON report, the issue lifecycle, errors, and no Secret value in any output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runStep } from '../helpers/action-runner.js';
import { Recorder, githubIssues, type RecordedIssue } from '../helpers/recorder.js';
import { kubeConfig, loadStackEnv } from '../helpers/stack.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { SECRET_VALUE, deployEnvironment, kubectl, redeploy, type DriftEnv } from './drift.fixtures.js';

const BUNDLE = 'dist/drift-check/main.js';
let d: DriftEnv;
let out: string;
const github = new Recorder();
const issues: RecordedIssue[] = [];

beforeAll(async () => {
  d = await deployEnvironment('drift-action');
  out = mkdtempSync(path.join(os.tmpdir(), 'phlo-drift-out-'));
  github.respond(githubIssues('org/app', issues));
  await github.start();
});
afterAll(async () => {
  await github.stop();
  await d?.remove();
  rmSync(out, { recursive: true, force: true });
});

const kubeconfigFile = () => loadStackEnv(['KUBECONFIG']).KUBECONFIG!;

function step(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runStep(BUNDLE, {
    inputs: {
      environment: d.env,
      workspace: d.ws,
      'secret-namespace': d.ns,
      secrets: `DB_PASSWORD=${SECRET_VALUE}`,
      kubeconfig: kubeconfigFile(),
      report: path.join(out, 'report.json'),
      'github-token': 'ghs_drifttesttoken0000',
      repository: 'org/app',
      ...inputs,
    },
    env: { GITHUB_API_URL: github.url, GITHUB_SHA: 'a'.repeat(40), ...env },
  });
}

const calls = () => github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('drift-check bundle', () => {
  test('clean → exit 0; drift → exit 1 and one issue; same drift → no comment; new drift → one comment; clean → closed', async () => {
    const clean = await step();
    expect(clean.code).toBe(0);
    expect(clean.outputs).toMatchObject({ status: 'clean', drifted: '0' });
    const report = JSON.parse(readFileSync(clean.outputs.report!, 'utf8'));
    expect(report).toMatchObject({ schema: 'phlo-deploy/drift-report@1', status: 'clean', commit: 'a'.repeat(40) });
    expect(report.clusterVersion).toMatch(/^v1\./);
    expect(typeof report.durationMs).toBe('number');
    expect(calls()).toEqual([]);

    // a Secret rotated by hand (kubectl create --dry-run | kubectl apply)
    const NEW_VALUE = 'rotated-by-hand-Qp55';
    const rotated = kubectl(
      ['create', 'secret', 'generic', 'phlo-secrets', '-n', d.ns, `--from-literal=DB_PASSWORD=${NEW_VALUE}`],
      { dryRunJson: true },
    );
    kubectl(['apply', '-f', '-'], { input: rotated });
    const drift = await step();
    expect(drift.code).toBe(1);
    expect(drift.outputs).toMatchObject({ status: 'drift', drifted: '1', issue: '1' });
    expect(drift.summary).toMatch(/Secret\/.*phlo-secrets \| taken-over \| kubectl-client-side-apply/);
    const text = drift.everything + readFileSync(drift.outputs.report!, 'utf8');
    for (const v of [NEW_VALUE, SECRET_VALUE]) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(Buffer.from(v).toString('base64'));
    }
    expect(calls()).toEqual(['POST /repos/org/app/issues']);

    const again = await step();
    expect(again.code).toBe(1);
    expect(again.outputs.fingerprint).toBe(drift.outputs.fingerprint);
    expect(calls()).toEqual(['POST /repos/org/app/issues']);

    kubectl(['delete', 'service', 'web', '-n', d.ns]);
    const more = await step();
    expect(more.code).toBe(1);
    expect(more.outputs.drifted).toBe('2');
    expect(calls()).toEqual([
      'POST /repos/org/app/issues',
      'POST /repos/org/app/issues/1/comments',
      'PATCH /repos/org/app/issues/1',
    ]);

    await redeploy(d);
    const fixed = await step();
    expect(fixed.code).toBe(0);
    expect(calls().slice(3)).toEqual(['POST /repos/org/app/issues/1/comments', 'PATCH /repos/org/app/issues/1']);
    expect(issues[0]!.state).toBe('closed');
  });

  test('an unreachable API server: exit 2, status error, never clean', async () => {
    const kc = readFileSync(kubeconfigFile(), 'utf8').replace(/server: .*/, 'server: https://127.0.0.1:1');
    const r = await step({ kubeconfig: '', 'kubeconfig-content': kc, 'github-token': '' });
    expect(r.code).toBe(2);
    expect(r.outputs.status).toBe('error');
    expect(r.everything).toMatch(/Cannot reach the Kubernetes API server/);
  });

  test('a kubeconfig without permission: exit 2, status error', async () => {
    const client = await KubeClient.create(kubeConfig());
    const sa = 'drift-nobody';
    try {
      await client.request({
        method: 'POST',
        path: `/api/v1/namespaces/${d.ns}/serviceaccounts`,
        body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } },
      });
      const token = await client.request<{ status: { token: string } }>({
        method: 'POST',
        path: `/api/v1/namespaces/${d.ns}/serviceaccounts/${sa}/token`,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
      });
      const restricted = readFileSync(loadStackEnv(['PHLO_KUBECONFIG_RESTRICTED']).PHLO_KUBECONFIG_RESTRICTED!, 'utf8');
      const kc = restricted.replace(/token: .*/, `token: ${token.status.token}`);
      const r = await step({ kubeconfig: '', 'kubeconfig-content': kc, 'github-token': '' });
      expect(r.code).toBe(2);
      expect(r.outputs.status).toBe('error');
      expect(r.everything).toMatch(/permission denied|forbidden/i);
      expect(r.everything).not.toContain(token.status.token);
    } finally {
      client.close();
    }
  });

  test('a kind the cluster does not serve: exit 2, incomplete, and the drift of the other objects still reported', async () => {
    const extra = path.join(d.ws, 'k8s', 'base', 'widget.yaml');
    writeFileSync(extra, `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${d.ns}\n`);
    kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:6.6']);
    try {
      const r = await step({ 'github-token': '' });
      expect(r.code).toBe(2);
      expect(r.outputs).toMatchObject({ status: 'error', drifted: '1' });
      const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'));
      expect(report.incomplete).toBe(true);
      expect(report.errors[0].message).toMatch(/does not serve kind 'Widget'/);
      expect(report.items.map((i: any) => `${i.ref.kind}/${i.ref.name} ${i.category}`)).toEqual([
        'Deployment/web taken-over',
      ]);
    } finally {
      rmSync(extra);
      await redeploy(d);
    }
  });
});
