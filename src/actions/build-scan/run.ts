import { buildAndScan, buildScanFailure, buildScanSummary } from '../../lib/image/build-and-scan.js';
import { parseBuildScanSettings } from '../../lib/image/settings.js';
import type { Exec } from '../../lib/runtime/exec.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';

export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { exec: execPort, clock, env, cwd, gitFacts } = runDeps(deps);
  // Every program (git, docker, trivy) stops when the caller stops the step.
  const { signal } = ctx;
  const exec: Exec = signal ? (command, args, options) => execPort(command, args, { ...options, signal }) : execPort;
  // Mask before anything can print it.
  ctx.setSecret(ctx.inputs.raw('trivy-db-password'));
  const settings = parseBuildScanSettings(ctx.inputs, env);

  const r = await buildAndScan(settings, { exec, clock, env, cwd, gitFacts, logger: ctx.logger });

  ctx.setOutput('image-id', r.imageId);
  ctx.setOutput('image', r.image);
  ctx.setOutput('tags', r.tags.join('\n'));
  ctx.setOutput('references', r.references.join('\n'));
  ctx.setOutput('labels', Object.fromEntries(r.labels));
  ctx.setOutput('version', r.version ?? '');
  ctx.setOutput('builder', r.builder);
  if (r.scan.state === 'passed' || r.scan.state === 'failed') {
    ctx.setOutput('report', r.scan.files.json);
    ctx.setOutput('sarif', r.scan.files.sarif);
    ctx.setOutput('sbom', r.scan.files.sbom);
    ctx.setOutput('counts', r.scan.result.counts);
    ctx.setOutput('blocking', r.scan.result.blocking.length);
  }
  ctx.setOutput('scan-result', r.scan.state);
  const summary = buildScanSummary(r);
  if (summary) ctx.summary(summary);
  const failure = buildScanFailure(r);
  if (failure) throw failure;
}
