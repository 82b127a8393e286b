import { inspectImage } from '../../lib/docker/docker.js';
import type { PushStagePorts } from '../../lib/ecr/push-and-gate.js';
import { parsePushEcrSettings } from '../../lib/ecr/settings.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { recordDockerConfig } from './state.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';

/** The ports of push-ecr in a step: the docker config dir is recorded for the post step. */
function pushPorts(ctx: ActionContext, deps: Pick<RunDeps, 'exec' | 'clock'>): PushStagePorts {
  return {
    exec: deps.exec,
    clock: deps.clock,
    logger: ctx.logger,
    mask: (secret: string) => ctx.setSecret(secret),
    onDockerConfig: recordDockerConfig(ctx),
  };
}

export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const resolved = runDeps(deps);
  const settings = parsePushEcrSettings(ctx.inputs, resolved.env);
  // The local image is inspected (a docker process) while the push code and the AWS SDK load.
  const inspected = inspectImage(resolved.exec, settings.push.image);
  inspected.catch(() => undefined); // awaited by the push, which reports a missing image
  const { pushAndGate, pushAndGateFailure, pushAndGateSummary } = await import('../../lib/ecr/push-and-gate.js');
  const r = await pushAndGate(settings, {
    ...pushPorts(ctx, resolved),
    inspected,
    onPushed: (push) => {
      ctx.setOutput('registry', push.registry);
      ctx.setOutput('repository-uri', push.repositoryUri);
      ctx.setOutput('ecr-repository-uri', push.ecrRepositoryUri);
      ctx.setOutput('digest', push.image.digest);
      ctx.setOutput('image', push.image.reference);
      ctx.setOutput(
        'tags',
        push.tags.map((t) => t.reference),
      );
      ctx.setOutput('token-expiry', push.tokenExpiresAt?.toISOString() ?? '');
      ctx.setOutput('repository-created', push.repository.created);
    },
  });
  if (r.scan) {
    ctx.setOutput('scan-status', r.scan.outcome.status);
    ctx.setOutput('scan-counts', r.scan.outcome.counts);
  }
  ctx.summary(pushAndGateSummary(r));
  const failure = pushAndGateFailure(r);
  if (failure) throw failure;
}
