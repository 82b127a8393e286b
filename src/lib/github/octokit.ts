/**
 * The GitHub REST calls phlo-deploy makes, through Octokit (GITHUB_API_URL is honoured). Imported
 * on demand (`await import`): Octokit and its HTTP client are a large part of the bundle, and a run
 * without a token never needs them.
 */
import { getOctokit } from '@actions/github';
import type { DeploymentsApi } from './deployments.js';
import type { IssuesApi } from './issues.js';

export function octokitDeployments(token: string, baseUrl?: string): DeploymentsApi {
  const octokit = getOctokit(token, baseUrl ? { baseUrl } : {});
  return {
    async createDeployment(params) {
      const response = await octokit.rest.repos.createDeployment(params);
      if (response.status !== 201 || !('id' in response.data)) {
        throw new Error(
          `GitHub did not create the deployment (HTTP ${response.status}): ${(response.data as { message?: string }).message ?? ''}`,
        );
      }
      return { id: response.data.id };
    },
    async createDeploymentStatus(params) {
      await octokit.rest.repos.createDeploymentStatus(params);
    },
  };
}

/** The drift issue's port (issues.ts) through Octokit. */
export function octokitIssues(token: string, baseUrl?: string): IssuesApi {
  const octokit = getOctokit(token, baseUrl ? { baseUrl } : {});
  return {
    async listOpen(params) {
      const response = await octokit.rest.issues.listForRepo({ ...params, state: 'open', per_page: 100 });
      return response.data.map((i) => ({ number: i.number, body: i.body }));
    },
    async create(params) {
      const response = await octokit.rest.issues.create(params);
      return { number: response.data.number };
    },
    async comment(params) {
      await octokit.rest.issues.createComment(params);
    },
    async update(params) {
      await octokit.rest.issues.update(params);
    },
  };
}
