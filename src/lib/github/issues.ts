/**
 * One GitHub issue per environment for drift: opened when drift is first seen, a comment only when
 * the drift's fingerprint changes, closed with a comment when the environment is clean again. The
 * issue is found by a label and a marker in its body, which also holds the last fingerprint; never
 * one issue per run. Through a small REST port (Octokit in the runner, the recorder in tests).
 */
export const DRIFT_LABEL = 'phlo-deploy-drift';

export interface IssuesApi {
  listOpen(params: {
    owner: string;
    repo: string;
    labels: string;
  }): Promise<Array<{ number: number; body?: string | null }>>;
  create(params: {
    owner: string;
    repo: string;
    title: string;
    body: string;
    labels: string[];
  }): Promise<{ number: number }>;
  comment(params: { owner: string; repo: string; issue_number: number; body: string }): Promise<void>;
  update(params: {
    owner: string;
    repo: string;
    issue_number: number;
    body?: string;
    state?: 'open' | 'closed';
  }): Promise<void>;
}

export interface DriftIssueInput {
  owner: string;
  repo: string;
  environment: string;
  /** What the run found: drift (with its fingerprint), clean, or an error (the issue is left as it is). */
  state: 'drift' | 'clean' | 'error';
  fingerprint: string;
  title: string;
  /** Markdown: the drift summary. */
  body: string;
}

export type DriftIssueAction = 'opened' | 'commented' | 'unchanged' | 'closed' | 'none';

const marker = (environment: string) => `<!-- phlo-deploy drift-check environment=${environment} -->`;
const fpMarker = (fp: string) => `<!-- fingerprint=${fp} -->`;

export async function syncDriftIssue(
  api: IssuesApi,
  input: DriftIssueInput,
): Promise<{ action: DriftIssueAction; number?: number }> {
  const { owner, repo, environment } = input;
  const open = await api.listOpen({ owner, repo, labels: DRIFT_LABEL });
  const issue = open.find((i) => (i.body ?? '').includes(marker(environment)));
  const bodyOf = () => `${marker(environment)}\n${fpMarker(input.fingerprint)}\n\n${input.body}`;
  if (input.state === 'error') return { action: 'none', ...(issue ? { number: issue.number } : {}) };
  if (input.state === 'clean') {
    if (!issue) return { action: 'none' };
    await api.comment({
      owner,
      repo,
      issue_number: issue.number,
      body: `Environment \`${environment}\` is clean again.\n\n${input.body}`,
    });
    await api.update({ owner, repo, issue_number: issue.number, state: 'closed' });
    return { action: 'closed', number: issue.number };
  }
  if (!issue) {
    const created = await api.create({ owner, repo, title: input.title, body: bodyOf(), labels: [DRIFT_LABEL] });
    return { action: 'opened', number: created.number };
  }
  const last = /<!-- fingerprint=([0-9a-f]*) -->/.exec(issue.body ?? '')?.[1];
  if (last === input.fingerprint) return { action: 'unchanged', number: issue.number };
  await api.comment({
    owner,
    repo,
    issue_number: issue.number,
    body: `The drift changed (fingerprint \`${input.fingerprint}\`).\n\n${input.body}`,
  });
  await api.update({ owner, repo, issue_number: issue.number, body: bodyOf() });
  return { action: 'commented', number: issue.number };
}
