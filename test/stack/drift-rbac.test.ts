/**
 * drift-check as its least-privilege identity (stack/kube/rbac/60-drift-clusterrole.yaml and the
 * dry-run-only policy 80/85): a ServiceAccount of the test's namespace bound to a copy of that role,
 * with a TokenRequest token. Detection works (reads and server-side apply dry runs); a write that is
 * not a dry run is refused with 403, whether RBAC allows the verb (patch: the policy refuses it) or
 * not (delete: RBAC refuses it).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { waitFor } from '../helpers/stack.js';
import { KubeApiError, KubeClient } from '../../src/lib/kube/client.js';
import {
  check,
  createIdentity,
  deployEnvironment,
  kubectl,
  redeploy,
  summaryOf,
  type DriftEnv,
  type Identity,
} from './drift.fixtures.js';

let d: DriftEnv;
let id: Identity;
let client: KubeClient;
beforeAll(async () => {
  d = await deployEnvironment('drift-rbac');
  id = await createIdentity(d.ns, 'drift-check', '60-drift-clusterrole.yaml', { dryRunOnly: true });
  client = await KubeClient.create(id.kc);
});
afterAll(async () => {
  client?.close();
  await id?.remove();
  await d?.remove();
});

/** A server-side apply of the ConfigMap's LOG_LEVEL as the drift identity, as a dry run or not: the HTTP status. */
async function applyConfigMap(dryRun: boolean, value: string): Promise<number> {
  try {
    await client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${d.ns}/configmaps/app-config`,
      query: { fieldManager: 'phlo-deploy', force: true, ...(dryRun ? { dryRun: 'All' } : {}) },
      contentType: 'application/apply-patch+yaml',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-config', namespace: d.ns },
        data: { LOG_LEVEL: value, MODE: 'batch' },
      },
    });
    return 200;
  } catch (error) {
    if (error instanceof KubeApiError) return error.code;
    throw error;
  }
}

describe('drift-check as its least-privilege identity', () => {
  test('a write that is not a dry run is refused (403); the same write as a dry run is allowed', async () => {
    // the policy reaches the API server's admission a moment after it is created; the probe writes the
    // declared value, so a write let through changes nothing (and the wait times out)
    await waitFor(
      'the dry-run-only policy to refuse a write of the drift identity',
      async () => (await applyConfigMap(false, 'INFO')) === 403,
      {
        describe: () => kubectl(['get', 'configmap', 'app-config', '-n', d.ns, '-o', 'jsonpath={.data}']),
      },
    );
    expect(await applyConfigMap(true, 'WRITTEN')).toBe(200);
    expect(await applyConfigMap(false, 'WRITTEN')).toBe(403);
    const live = JSON.parse(kubectl(['get', 'configmap', 'app-config', '-n', d.ns, '-o', 'json']));
    expect(live.data.LOG_LEVEL).toBe('INFO');
    // verbs the role does not grant: refused by RBAC
    await expect(
      client.request({ method: 'DELETE', path: `/api/v1/namespaces/${d.ns}/services/web` }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      client.request({ method: 'PUT', path: `/api/v1/namespaces/${d.ns}/configmaps/app-config`, body: live }),
    ).rejects.toMatchObject({ code: 403 });
  });

  test('detect works as that identity: clean, then every change found with nothing written', async () => {
    await redeploy(d);
    const clean = await check(d, { client });
    expect(clean.errors).toEqual([]);
    expect(summaryOf(clean)).toEqual([]);
    expect(clean.status).toBe('clean');

    kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:9.9']);
    kubectl(['delete', 'service', 'web', '-n', d.ns]);
    const r = await check(d, { client });
    expect(r.errors).toEqual([]);
    expect(summaryOf(r)).toEqual(['Deployment/web taken-over kubectl-set', 'Service/web missing']);
    // the dry runs wrote nothing
    const image = kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      d.ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image).toBe('example.com/web:9.9');
    expect(kubectl(['get', 'service', '-n', d.ns, '-o', 'name'])).toBe('');
  });
});
