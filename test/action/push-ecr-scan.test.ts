/**
 * push-ecr's ECR scan gate through the bundle, against moto. Moto's ECR API does not see what the
 * stack's registry holds, so after the first push the test tells moto about the manifest (PutImage),
 * as ECR's own registry does; the gated runs then find the tags unchanged and wait for the scan.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { errorLines, runStep, type StepResult } from '../helpers/action-runner.js';
import {
  awsDockerEnv,
  buildTestImage,
  pushStackEnv,
  removeTestImage,
  servedManifest,
  uniqueRepo,
  type StackEnv,
} from '../stack/push-ecr.fixtures.js';

const MAIN = 'dist/push-ecr/main.js';
const POST = 'dist/push-ecr/post.js';

let env: StackEnv;
let temp: string;
const images: string[] = [];

beforeAll(() => {
  env = pushStackEnv();
  temp = mkdtempSync(join(tmpdir(), 'phlo-push-scan-'));
});
afterAll(async () => {
  for (const tag of images) await removeTestImage(env, tag);
  if (temp) rmSync(temp, { recursive: true, force: true });
});

async function step(inputs: Record<string, string>): Promise<StepResult> {
  const result = await runStep(MAIN, { inputs, env: { ...awsDockerEnv(env), RUNNER_TEMP: temp }, timeoutMs: 120_000 });
  if (result.state['docker-config'])
    await runStep(POST, { state: result.state, env: { ...awsDockerEnv(env), RUNNER_TEMP: temp } });
  return result;
}

function ignoreFile(name: string, expires: string): string {
  const path = join(temp, name);
  writeFileSync(
    path,
    `ignores:\n  - id: CVE-9999-9999\n    package: moto_fake\n    reason: moto's fixture finding\n    expires: ${expires}\n`,
  );
  return path;
}

describe('push-ecr with wait-for-scan', () => {
  it('gates on ECR findings with the shared policy: fails on HIGH, passes with a live ignore entry, fails on an expired one', async () => {
    const repository = uniqueRepo('scan-gate');
    const built = await buildTestImage(env, 'scan-gate');
    images.push(built.tag);
    const base = { image: built.tag, repository, tags: 'v1', 'registry-endpoint': `http://${env.PHLO_REGISTRY}` };
    const first = await step(base);
    expect(first.code).toBe(0);

    const manifest = (await servedManifest(env, repository, 'v1'))!;
    const ecr = new ECRClient({
      region: env.AWS_REGION,
      endpoint: env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    try {
      await ecr.send(
        new PutImageCommand({
          repositoryName: repository,
          imageManifest: manifest.body,
          imageManifestMediaType: manifest.mediaType,
          imageTag: 'v1',
          imageDigest: manifest.digest,
        }),
      );
    } finally {
      ecr.destroy();
    }

    const scan = { ...base, 'wait-for-scan': 'true', 'scan-interval': '200ms', 'scan-timeout': '20s' };
    const gated = await step(scan);
    expect(gated.code).toBe(1);
    expect(errorLines(gated)).toEqual([
      expect.stringMatching(
        /^push-ecr: ECR scan: Vulnerability gate failed: 1 finding\(s\) at HIGH\/CRITICAL: CVE-9999-9999 moto_fake 9\.9\.9 \(no fix\) \(HIGH\)/,
      ),
    ]);
    expect(gated.outputs['scan-status']).toBe('COMPLETE');
    expect(JSON.parse(gated.outputs['scan-counts']!)).toMatchObject({ HIGH: 1, CRITICAL: 0 });
    expect(gated.outputs.digest).toBe(manifest.digest);
    expect(gated.summary).toMatch(/ECR scan ❌ COMPLETE/);
    expect(gated.stdout).toMatch(/Started an ECR scan/);

    const accepted = await step({ ...scan, 'ignore-file': ignoreFile('live.yaml', '2999-12-31') });
    expect(errorLines(accepted)).toEqual([]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/ECR scan COMPLETE: gate passed/);

    const expired = await step({ ...scan, 'ignore-file': ignoreFile('expired.yaml', '2020-01-01') });
    expect(expired.code).toBe(1);
    expect(errorLines(expired)[0]).toMatch(/expired ignore entry: CVE-9999-9999 \(moto_fake\) expired 2020-01-01/);

    const higher = await step({ ...scan, severity: 'CRITICAL' });
    expect(higher.code).toBe(0);
  });

  it('fails, or only warns when told, when ECR never has findings for the image', async () => {
    const repository = uniqueRepo('scan-timeout');
    const built = await buildTestImage(env, 'scan-timeout');
    images.push(built.tag);
    // the image never reaches moto's ECR, so no scan ever exists: the wait ends at its deadline
    const inputs = {
      image: built.tag,
      repository,
      tags: 'v1',
      'registry-endpoint': `http://${env.PHLO_REGISTRY}`,
      'wait-for-scan': 'true',
      'scan-interval': '200ms',
      'scan-timeout': '1s',
    };
    const failed = await step(inputs);
    expect(failed.code).toBe(1);
    expect(errorLines(failed)[0]).toMatch(
      /^push-ecr: ECR scan findings unavailable \(TIMEOUT\): ECR scan not finished after 1\.00s \(last state: image not yet visible to ECR\)\. Set scan-unavailable: warn/,
    );
    expect(failed.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);

    const warned = await step({ ...inputs, 'scan-unavailable': 'warn' });
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/::warning::ECR scan findings unavailable \(TIMEOUT\)/);
    expect(warned.outputs['scan-status']).toBe('TIMEOUT');
  });

  it('names a missing ignore file before anything is written', async () => {
    const repository = uniqueRepo('scan-ignore');
    const result = await step({
      image: 'phlo/base:bookworm',
      repository,
      tags: 'v1',
      'registry-endpoint': `http://${env.PHLO_REGISTRY}`,
      'wait-for-scan': 'true',
      'ignore-file': join(temp, 'nope.yaml'),
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)[0]).toMatch(
      /Input 'ignore-file' is '.*nope\.yaml': expected a readable YAML ignore file/,
    );
    expect(result.state['docker-config']).toBeUndefined();
  });
});
