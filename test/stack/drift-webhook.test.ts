/**
 * No false positive from a mutating admission webhook: a local HTTPS server (self-signed certificate
 * for 127.0.0.1, the API server runs on this host) registered with `clientConfig.url` for this test's
 * namespace only injects a sidecar, a pod-template annotation and a Deployment label into every
 * Deployment it admits — dry runs included (sideEffects: None), as a mesh injector does. After a
 * deploy through it, drift-check is clean; a real change by another field manager is still found.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { kubeConfig, loadStackEnv, uniqueName, waitFor } from '../helpers/stack.js';
import { selfSignedCert } from '../helpers/tls.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { check, deployEnvironment, kubectl, redeploy, summaryOf, type DriftEnv } from './drift.fixtures.js';

const SIDECAR = { name: 'mesh-proxy', image: 'example.com/mesh-proxy:1.0' };
let d: DriftEnv;
let server: https.Server;
let dir: string;
const webhookName = uniqueName('drift-webhook');
let admitted = 0;

/** The JSON patch a sidecar injector answers with for a Deployment. */
function injection(obj: {
  metadata: { labels?: Record<string, string> };
  spec: {
    template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: Array<{ name: string }> } };
  };
}): unknown[] {
  const ops: unknown[] = [];
  if (!obj.spec.template.spec.containers.some((c) => c.name === SIDECAR.name))
    ops.push({ op: 'add', path: '/spec/template/spec/containers/-', value: SIDECAR });
  if (!obj.spec.template.metadata?.annotations)
    ops.push({ op: 'add', path: '/spec/template/metadata/annotations', value: {} });
  ops.push({ op: 'add', path: '/spec/template/metadata/annotations/mesh.example.com~1injected', value: 'true' });
  if (!obj.metadata.labels) ops.push({ op: 'add', path: '/metadata/labels', value: {} });
  ops.push({ op: 'add', path: '/metadata/labels/mesh.example.com~1enabled', value: 'true' });
  return ops;
}

beforeAll(async () => {
  d = await deployEnvironment('drift-webhook');
  dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-drift-webhook-'));
  const { key, cert } = selfSignedCert(dir);
  server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      admitted++;
      const patch = Buffer.from(JSON.stringify(injection(review.request.object))).toString('base64');
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, allowed: true, patchType: 'JSONPatch', patch },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const admin = await KubeClient.create(kubeConfig());
  try {
    await admin.request({
      method: 'POST',
      path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      body: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: webhookName },
        webhooks: [
          {
            name: 'inject.mesh.example.com',
            clientConfig: { url: `https://127.0.0.1:${port}/mutate`, caBundle: Buffer.from(cert).toString('base64') },
            rules: [
              {
                apiGroups: ['apps'],
                apiVersions: ['v1'],
                operations: ['CREATE', 'UPDATE'],
                resources: ['deployments'],
              },
            ],
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': d.ns } },
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            reinvocationPolicy: 'IfNeeded',
            timeoutSeconds: 5,
          },
        ],
      },
    });
  } finally {
    admin.close();
  }
});

afterAll(async () => {
  try {
    kubectl(['delete', 'mutatingwebhookconfiguration', webhookName, '--ignore-not-found']);
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
    await d?.remove();
  }
});

const liveWeb = () => JSON.parse(kubectl(['get', 'deployment', 'web', '-n', d.ns, '-o', 'json']));

describe('a mutating admission webhook', () => {
  test('a deploy through a sidecar injector is clean; a change by another field manager is still found', async () => {
    // the configuration reaches the API server a moment after it is created: deploy until it mutates
    await waitFor('the webhook to inject its sidecar on deploy', async () => {
      await redeploy(d);
      return liveWeb().spec.template.spec.containers.some((c: { name: string }) => c.name === SIDECAR.name);
    });
    const live = liveWeb();
    expect(live.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'mesh-proxy']);
    expect(live.spec.template.metadata.annotations['mesh.example.com/injected']).toBe('true');
    expect(live.metadata.labels['mesh.example.com/enabled']).toBe('true');
    const before = admitted;

    // every object dry-run: the predictions go through the webhook too, and its sidecar is ours in both
    const r = await check(d, { full: true });
    expect(r.errors).toEqual([]);
    expect(summaryOf(r)).toEqual([]);
    expect(r.status).toBe('clean');
    expect(admitted).toBeGreaterThan(before);
    // the default check: the record vouches for the Deployment as the webhook left it at the deploy
    const quick = await check(d);
    expect(summaryOf(quick)).toEqual([]);
    expect(quick.counts.unchangedSinceDeploy).toBeGreaterThan(0);

    // kubectl edit-style: another field manager changes a field we declare
    // (not execFileSync: the webhook answers from this process, whose event loop must stay free)
    const stack = loadStackEnv(['PHLO_KUBECTL', 'KUBECONFIG']);
    await promisify(execFile)(stack.PHLO_KUBECTL!, [
      'patch',
      'deployment',
      'web',
      '-n',
      d.ns,
      '--field-manager=kubectl-edit',
      '-p',
      JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'web', image: 'example.com/web:6.6' }] } } } }),
      `--kubeconfig=${stack.KUBECONFIG!}`,
    ]);
    const drift = await check(d);
    expect(summaryOf(drift)).toEqual(['Deployment/web taken-over kubectl-edit']);
    expect(drift.items[0]!.fields.map((f) => [f.path, f.live])).toEqual([
      ['spec.template.spec.containers[name=web].image', 'example.com/web:6.6'],
    ]);
  });
});
