/** storedObject: a live object as the backup stores it (what the server allocates left out). */
import { describe, expect, test } from '@jest/globals';
import { storedObject } from '../../src/lib/backup/cluster.js';
import type { KubeObject } from '../../src/lib/kube/client.js';

const server = {
  uid: 'u-1',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2026-11-29T00:00:00Z',
  managedFields: [{ manager: 'phlo-deploy' }],
  selfLink: '/api/x',
};

describe('storedObject', () => {
  test('a Service keeps a headless clusterIP, loses an allocated one', () => {
    const live = (clusterIP: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'n', ...server },
      spec: { clusterIP, clusterIPs: [clusterIP], ports: [{ port: 80 }] },
      status: { loadBalancer: {} },
    });
    expect(storedObject(live('10.0.0.7'), false)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'n' },
      spec: { ports: [{ port: 80 }] },
    });
    expect(storedObject(live('None'), false).spec).toEqual({
      clusterIP: 'None',
      clusterIPs: ['None'],
      ports: [{ port: 80 }],
    });
  });

  test("a Job loses its generated selector and the controller's labels, keeps a manual one", () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'n', ...server, annotations: { keep: 'me' } },
      spec: {
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
        template: {
          metadata: {
            labels: {
              app: 'x',
              'controller-uid': 'u-1',
              'batch.kubernetes.io/controller-uid': 'u-1',
              'job-name': 'j',
              'batch.kubernetes.io/job-name': 'j',
            },
          },
          spec: { containers: [] },
        },
      },
    };
    const stored = storedObject(job, false);
    expect(stored.spec).toEqual({ template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } });
    expect(stored.metadata).toEqual({ name: 'j', namespace: 'n', annotations: { keep: 'me' } });
    const manual = storedObject({ ...job, spec: { ...job.spec, manualSelector: true } }, false);
    expect(manual.spec.selector).toEqual(job.spec.selector);
    // the input is not changed
    expect(job.spec.selector).toBeDefined();
    expect(job.metadata.uid).toBe('u-1');
  });

  test("a claim loses its bound volume and the binder's annotations", () => {
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data',
        namespace: 'n',
        ...server,
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/selected-node': 'kwok-0' },
      },
      spec: { volumeName: 'pvc-123', resources: { requests: { storage: '1Gi' } } },
    };
    expect(storedObject(pvc, false)).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'n' },
      spec: { resources: { requests: { storage: '1Gi' } } },
    });
  });

  test('a Secret becomes a placeholder listing data and stringData keys, or keeps its data when asked', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        namespace: 'n',
        ...server,
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"b":"c2VjcmV0"}}' },
      },
      type: 'Opaque',
      data: { b: 'c2VjcmV0', a: 'eA==' },
      stringData: { c: 'plain' },
    };
    expect(storedObject(secret, false)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        namespace: 'n',
        annotations: { 'phlo.dev/secret-values': 'injected-at-apply', 'phlo.dev/secret-keys': 'a,b,c' },
      },
      type: 'Opaque',
    });
    expect(storedObject(secret, true)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'n' },
      type: 'Opaque',
      data: { b: 'c2VjcmV0', a: 'eA==' },
      stringData: { c: 'plain' },
    });
  });
});
