/**
 * Git facts for tags and labels: from GitHub's environment (GITHUB_SHA, GITHUB_REF, GITHUB_REF_NAME,
 * the event payload's repository.default_branch), falling back to `git` in the working directory.
 */
import { readFile } from 'node:fs/promises';
import type { Exec } from '../runtime/exec.js';

export interface GitFacts {
  /** Full commit sha. */
  sha: string;
  /** Full ref: refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge; empty when detached. */
  ref: string;
  /** Default branch of the repository, when known. */
  defaultBranch?: string;
  /** Web URL of the repository (no credentials), for org.opencontainers.image.source. */
  repositoryUrl?: string;
}

export interface GitFactsOptions {
  env?: NodeJS.ProcessEnv;
  exec: Exec;
  cwd: string;
  /** The `default-branch` input, which wins over the event payload. */
  defaultBranch?: string;
}

export async function gitFacts(options: GitFactsOptions): Promise<GitFacts> {
  const env = options.env ?? process.env;
  const git = async (...args: string[]): Promise<string | undefined> => {
    try {
      const r = await options.exec('git', ['-C', options.cwd, ...args], { env });
      return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
    } catch {
      return undefined; // git not installed: GitHub env only
    }
  };

  // The questions are independent: asked side by side (each is a git process when GitHub's
  // environment does not answer it).
  const refFromGit = async (): Promise<string> => {
    const branch = await git('symbolic-ref', '-q', 'HEAD');
    if (branch) return branch;
    const tags = (await git('tag', '--points-at', 'HEAD'))?.split('\n').filter(Boolean) ?? [];
    return tags.length > 0 ? `refs/tags/${tags.sort().at(-1)}` : '';
  };
  // origin/HEAD only matters when neither the input nor an event payload names the default branch;
  // without an event file that is known at once, so it is asked with the rest.
  const originEarly = options.defaultBranch || env.GITHUB_EVENT_PATH ? undefined : originHead(git);
  const [sha, ref, fromEvent, url] = await Promise.all([
    env.GITHUB_SHA || git('rev-parse', 'HEAD').then((s) => s ?? ''),
    env.GITHUB_REF || refFromGit(),
    eventDefaultBranch(env.GITHUB_EVENT_PATH),
    repositoryUrl(env) ?? git('config', '--get', 'remote.origin.url').then(sanitizeRemote),
  ]);
  const facts: GitFacts = { sha, ref };
  const fromOrigin = options.defaultBranch || fromEvent ? undefined : await (originEarly ?? originHead(git));
  const defaultBranch = options.defaultBranch || fromEvent || fromOrigin;
  if (defaultBranch) facts.defaultBranch = defaultBranch;
  if (url) facts.repositoryUrl = url;
  return facts;
}

async function eventDefaultBranch(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    const event = JSON.parse(await readFile(path, 'utf8')) as { repository?: { default_branch?: unknown } };
    const b = event.repository?.default_branch;
    return typeof b === 'string' && b ? b : undefined;
  } catch {
    return undefined;
  }
}

async function originHead(git: (...args: string[]) => Promise<string | undefined>): Promise<string | undefined> {
  const head = await git('symbolic-ref', '-q', 'refs/remotes/origin/HEAD');
  return head?.replace(/^refs\/remotes\/origin\//, '');
}

function repositoryUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return `${server}/${env.GITHUB_REPOSITORY}`;
}

/** A remote URL made safe for a label: https form, never with credentials. */
export function sanitizeRemote(remote: string | undefined): string | undefined {
  if (!remote) return undefined;
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(remote);
    if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'ssh:') return undefined;
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    const path = u.pathname.replace(/\.git$/, '');
    return `https://${u.hostname}${path}`;
  } catch {
    return undefined;
  }
}
