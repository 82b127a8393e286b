/**
 * The cutover action's settings, parsed once, every problem at once, before anything is read from the
 * cluster. Like the restore, a missing `confirm` is a dry run and a `confirm` that does not name the
 * environment is a mistake (it names the input). The new connection settings are `set` (variables of
 * the environment's settings.yaml, rendered into its ConfigMaps) and `secrets`/`env-file` (keys of its
 * Secret, masked the moment they are read; the Secret's other keys keep their live values).
 */
import path from 'node:path';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import { Inputs } from '../runtime/inputs.js';
import { runUrlFromEnv } from '../runtime/github-env.js';
import { DNS1123_LABEL } from '../objects/names.js';
import { parseRenderSettings, renderedDir } from '../manifests/render-settings.js';
import type { RenderSettings } from '../manifests/render.js';
import type { SecretValues } from '../manifests/secrets.js';
import { VARIABLE_NAME } from '../manifests/settings.js';
import { readKubeconfigInputs, type KubeconfigSettings } from '../kube/source.js';
import { parseHealthGateSettings, type HealthGateSettings } from '../health/settings.js';
import type { DeployEvent, NotifySettings } from '../notify/notify.js';
import { readNotifySettings } from '../notify/settings.js';

/** `namespace/name` of the workloads a cutover restarts; the name may hold `*` and `?`. */
export interface RestartPattern {
  namespace: string;
  name: string;
}

/** The Dagster and Nessie workloads: every Deployment and StatefulSet in `dagster`, and Nessie. */
export const DEFAULT_RESTART = ['dagster/*', 'data-warehouse/nessie'];

export interface CutoverSettings {
  environment: string;
  /** How the environment renders (render's own parser: workspace, manifests, Secret name); nothing is written. */
  render: RenderSettings;
  /** The Secret the `secrets` keys belong to (render's `secret-name`/`secret-namespace`). */
  secret: { name: string; namespace: string };
  /** Input `set`: new values of variables the environment's settings declare. */
  variables: Map<string, string>;
  /** Inputs `secrets`/`env-file`: new values of keys of the Secret (in memory only). */
  secretValues: SecretValues;
  restart: RestartPattern[];
  /** `confirm` equals the environment's name: the cutover writes. Otherwise it is a dry run. */
  confirmed: boolean;
  rolloutTimeoutMs: number;
  /** The health gate after a good rollout, when `health-url` or `health-service` is given. */
  health?: HealthGateSettings;
  kube: KubeconfigSettings;
  notify: NotifySettings;
  reportPath: string;
  actor?: string;
  runUrl?: string;
  repository: string;
}

const EVENTS: readonly DeployEvent[] = ['success', 'failure', 'rollback'];
const HEALTH_UNPREFIXED = new Set(['kubeconfig', 'kubeconfig-content', 'context']);
const NAME_GLOB = /^[a-z0-9*?]([-a-z0-9.*?]*[a-z0-9*?])?$/;

export function parseCutoverSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
): CutoverSettings {
  // secrets first: masked before anything below can fail and print
  const notifyRead = readNotifySettings(inputs, mask, { events: EVENTS, on: ['failure', 'rollback'] });
  const kube = readKubeconfigInputs(inputs, mask);
  const { problems, attempt } = collectProblems();
  // render's own parser (it reads and masks `secrets`/`env-file`, and checks the environment's name)
  const render = attempt(() => parseRenderSettings(inputs, env, mask));
  problems.push(...notifyRead.problems);
  const environment = render?.environment ?? inputs.raw('environment');

  const variables = new Map<string, string>();
  for (const [name, value] of attempt(() => inputs.map('set')) ?? new Map<string, string>()) {
    if (!VARIABLE_NAME.test(name))
      problems.push(
        ConfigurationError.forInput(inputs.name('set'), `${name}=…`, 'NAME=value lines naming settings variables')
          .message,
      );
    else variables.set(name, value);
  }
  const secretValues = render?.secret?.values ?? new Map<string, string>();
  if (render && variables.size === 0 && secretValues.size === 0)
    problems.push(
      `Input '${inputs.name('set')}' (or '${inputs.name('secrets')}') is required: the new connection settings, e.g. ` +
        `S3_WAREHOUSE=s3://bucket/restore-20261129T160312Z/ (variables of k8s/environments/${environment}/settings.yaml), ` +
        'and Secret keys in secrets.',
    );

  const restart: RestartPattern[] = [];
  for (const item of inputs.list('restart', DEFAULT_RESTART)) {
    const [namespace, name, more] = item.split('/');
    if (more !== undefined || !namespace || !name || !DNS1123_LABEL.test(namespace) || !NAME_GLOB.test(name))
      problems.push(
        ConfigurationError.forInput(
          inputs.name('restart'),
          item,
          'namespace/name of Deployments or StatefulSets (the name may use * and ?), e.g. dagster/*',
        ).message,
      );
    else restart.push({ namespace, name });
  }

  const confirm = inputs.raw('confirm');
  const confirmed = confirm !== '' && confirm === environment;
  if (confirm !== '' && environment && confirm !== environment)
    problems.push(
      `Input '${inputs.name('confirm')}' is '${confirm.slice(0, 100)}': expected the environment's name ('${environment}') to write, or nothing for a dry run.`,
    );

  const rolloutTimeoutMs = attempt(() => inputs.duration('rollout-timeout', '10m')) ?? 600_000;
  let health: HealthGateSettings | undefined;
  if (inputs.optional('health-url') || inputs.optional('health-service')) {
    // the health gate's own parser, over its inputs as this action names them (health-url, …)
    const prefixed = (n: string) => (HEALTH_UNPREFIXED.has(n) ? n : `health-${n}`);
    health = attempt(() =>
      parseHealthGateSettings(
        new Inputs(
          (n) => inputs.raw(prefixed(n)),
          (n) => inputs.name(prefixed(n)),
        ),
        mask,
      ),
    );
  }
  if (problems.length || !render) throw new ConfigurationErrors(problems);

  const reportPath = path.resolve(
    render.workspace,
    inputs.optional('report') ?? path.join(renderedDir(env), `cutover-${environment}.json`),
  );
  const runUrl = runUrlFromEnv(env);
  return {
    environment,
    render: { ...render, output: undefined },
    secret: {
      name: inputs.string('secret-name', 'phlo-secrets'),
      namespace: inputs.string('secret-namespace', 'dagster'),
    },
    variables,
    secretValues,
    restart,
    confirmed,
    rolloutTimeoutMs,
    ...(health ? { health } : {}),
    kube,
    notify: notifyRead.notify,
    reportPath,
    ...(env.GITHUB_ACTOR ? { actor: env.GITHUB_ACTOR } : {}),
    ...(runUrl ? { runUrl } : {}),
    repository: env.GITHUB_REPOSITORY ?? '',
  };
}
