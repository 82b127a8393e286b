/** The GitHub REST calls the pipeline makes, through Octokit (GITHUB_API_URL is honoured). */
import { getOctokit } from '@actions/github';
import type { DeploymentsApi } from './deployments.js';

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
