/**
 * `mode: correct` end to end on the stack, as its own identity (a copy of
 * stack/kube/rbac/90-drift-correct-clusterrole.yaml): an image changed by `kubectl set image`, a
 * ConfigMap value changed by `kubectl edit`, a deleted Service. Above max-corrections nothing is
 * re-applied and the message says why; within it the three are re-applied by server-side apply with
 * the field manager phlo-deploy, the rollout gate passes, and the next check is clean.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { KubeClient } from '../../src/lib/kube/client.js';
import { checkDrift } from '../../src/lib/drift/check.js';
import { correctDrift } from '../../src/lib/drift/correct.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import {
  createIdentity,
  deployEnvironment,
  kubectl,
  renderSettings,
  summaryOf,
  type DriftEnv,
  type Identity,
} from './drift.fixtures.js';

let d: DriftEnv;
let id: Identity;
let client: KubeClient;
beforeAll(async () => {
  d = await deployEnvironment('drift-correct');
  id = await createIdentity(d.ns, 'drift-correct', '90-drift-correct-clusterrole.yaml');
  client = await KubeClient.create(id.kc);
});
afterAll(async () => {
  client?.close();
  await id?.remove();
  await d?.remove();
});

const checkNow = () =>
  checkDrift({ render: renderSettings(d), ignoreRules: [], concurrency: 8 }, client, new MemoryLogger(), systemClock);

const correct = async (maxCorrections: number) => {
  const { report, desired } = await checkNow();
  const logger = new MemoryLogger();
  const corrected = await correctDrift(
    report,
    desired,
    { maxCorrections, drift: { render: { secret: { values: d.secrets } }, concurrency: 8 } },
    client,
    logger,
    systemClock,
    { gateTimeoutMs: 120_000 },
  );
  return { before: report, after: corrected, logger };
};

const get = (kind: string, name: string) =>
  JSON.parse(kubectl(['get', kind, name, '-n', d.ns, '-o', 'json', '--show-managed-fields']));
const managersOf = (o: { metadata: { managedFields: Array<{ manager: string }> } }) =>
  o.metadata.managedFields.map((m) => m.manager);

describe("mode 'correct'", () => {
  test('refuses above max-corrections with nothing re-applied, corrects within it, and the next check is clean', async () => {
    kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:9.9']);
    kubectl(['edit', 'configmap/app-config', '-n', d.ns], {
      env: { KUBE_EDITOR: 'sed -i s/LOG_LEVEL:\\ INFO/LOG_LEVEL:\\ DEBUG/', EDITOR: '' },
    });
    kubectl(['delete', 'service', 'web', '-n', d.ns]);

    const refused = await correct(2);
    expect(summaryOf(refused.before)).toEqual([
      'ConfigMap/app-config taken-over kubectl-edit',
      'Deployment/web taken-over kubectl-set',
      'Service/web missing',
    ]);
    expect(refused.after.status).toBe('error');
    expect(refused.after.corrected).toBeUndefined();
    expect(refused.after.errors.map((e) => e.message)).toEqual([
      "mode 'correct': 3 objects drifted, more than 'max-corrections' (2) allows: nothing was re-applied.",
    ]);
    expect(get('deployment', 'web').spec.template.spec.containers[0].image).toBe('example.com/web:9.9');
    expect(get('configmap', 'app-config').data.LOG_LEVEL).toBe('DEBUG');
    expect(kubectl(['get', 'service', '-n', d.ns, '-o', 'name'])).toBe('');

    const fixed = await correct(3);
    expect(fixed.after.errors).toEqual([]);
    expect([...(fixed.after.corrected ?? [])].sort()).toHaveLength(3);
    expect(fixed.logger.text()).toMatch(/re-applied 3 object\(s\)/);
    const web = get('deployment', 'web');
    expect(web.spec.template.spec.containers[0].image).toBe('example.com/web:1.0');
    expect(get('configmap', 'app-config').data.LOG_LEVEL).toBe('INFO');
    expect(managersOf(get('service', 'web'))).toContain('phlo-deploy');
    // the fields are phlo-deploy's again: the next check is clean
    const { report } = await checkNow();
    expect(report.errors).toEqual([]);
    expect(summaryOf(report)).toEqual([]);
    expect(report.status).toBe('clean');
  });
});
