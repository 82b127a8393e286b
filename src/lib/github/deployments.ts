/**
 * GitHub deployments for an environment: created when a deploy starts, then statuses in_progress →
 * success | failure with the environment URL and the log URL. Talks to the REST API through a small
 * port so the pipeline can run without GitHub (the CLI) and tests can point it at a local recorder
 * (GITHUB_API_URL).
 */
import type { Logger } from '../runtime/logger.js';
import { describeError } from '../runtime/errors.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** The REST calls this module needs; implemented with Octokit in the runner. */
export interface DeploymentsApi {
  createDeployment(params: {
    owner: string;
    repo: string;
    ref: string;
    environment: string;
    description: string;
    production_environment: boolean;
    auto_merge: false;
    required_contexts: string[];
    payload: Record<string, unknown>;
  }): Promise<{ id: number }>;
  createDeploymentStatus(params: {
    owner: string;
    repo: string;
    deployment_id: number;
    state: DeploymentState;
    description: string;
    environment_url?: string;
    log_url?: string;
    auto_inactive?: boolean;
  }): Promise<void>;
}

export interface DeploymentTarget {
  owner: string;
  repo: string;
  ref: string;
  environment: string;
  production: boolean;
  logUrl?: string;
  image?: string;
}

/**
 * One deployment's life. Every call is best-effort: a GitHub outage or a missing permission is
 * a warning, never the reason a deploy fails (the cluster is what matters).
 */
export class GitHubDeployment {
  private id: number | undefined;

  constructor(
    private readonly api: DeploymentsApi,
    private readonly target: DeploymentTarget,
    private readonly logger: Logger,
  ) {}

  get deploymentId(): number | undefined {
    return this.id;
  }

  async start(): Promise<void> {
    const t = this.target;
    try {
      const created = await this.api.createDeployment({
        owner: t.owner,
        repo: t.repo,
        ref: t.ref,
        environment: t.environment,
        description: `phlo-deploy to ${t.environment}`,
        production_environment: t.production,
        auto_merge: false,
        required_contexts: [],
        payload: t.image ? { image: t.image } : {},
      });
      this.id = created.id;
      await this.status('in_progress', `Deploying to ${t.environment}`);
    } catch (error) {
      this.logger.warning(`could not create a GitHub deployment for ${t.environment}: ${describeError(error)}`);
    }
  }

  async finish(success: boolean, description: string, environmentUrl?: string): Promise<void> {
    await this.status(success ? 'success' : 'failure', description, environmentUrl);
  }

  private async status(state: DeploymentState, description: string, environmentUrl?: string): Promise<void> {
    if (this.id === undefined) return;
    try {
      await this.api.createDeploymentStatus({
        owner: this.target.owner,
        repo: this.target.repo,
        deployment_id: this.id,
        state,
        description: description.slice(0, 140),
        ...(environmentUrl ? { environment_url: environmentUrl } : {}),
        ...(this.target.logUrl ? { log_url: this.target.logUrl } : {}),
        ...(state === 'success' ? { auto_inactive: true } : {}),
      });
    } catch (error) {
      this.logger.warning(`could not set the GitHub deployment status to ${state}: ${describeError(error)}`);
    }
  }
}
