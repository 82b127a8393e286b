/**
 * The whole push of a local image to ECR, as one lib call the push-ecr action and the pipeline share.
 * It comes in two halves:
 * - the registry session (read-only): GetAuthorizationToken (masked), a look at the repository, the
 *   credentials written into a private docker config dir. It needs no image, so the pipeline opens it while the image builds.
 * - the push: inspect the local image → make the repository match the settings (the first remote
 *   write) → check every tag against the registry (immutable tags) → tag + push (retried) → read a
 *   MUTABLE tag's digest back from the registry.
 * Nothing is written to ECR or the registry before the inputs and the local image have been checked.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Clock } from '../runtime/clock.js';
import { ConfigurationError, GateFailure } from '../runtime/errors.js';
import type { Logger, SecretMasker } from '../runtime/logger.js';
import {
  createDockerConfigDir,
  writeDockerAuth,
  inspectImage,
  pushImage,
  tagImage,
  type DockerSession,
  type LocalImage,
} from '../docker/docker.js';
import type { Exec } from '../runtime/exec.js';
import {
  getManifest,
  headManifest,
  manifestHoldsImage,
  type ManifestContent,
  type RegistryApi,
} from '../docker/manifest.js';
import type { RetryPolicy } from '../runtime/retry.js';
import { pinnedImage, type PinnedImage } from '../objects/types.js';
import type { RegistryEndpoint } from './names.js';
import { basicAuthorization, getRegistryCredentials, type RegistryCredentials } from './client.js';
import {
  ensureRepository,
  inspectRepository,
  type RepositoryLook,
  type RepositoryResult,
  type RepositorySettings,
} from './repository.js';

export interface PushSettings {
  /** The local image to push: an image id, name:tag or name@digest known to the docker daemon. */
  image: string;
  /** Tags to push, already validated (at least one). */
  tags: string[];
  /** Repository settings; `name` is the ECR repository. */
  repository: RepositorySettings;
  /**
   * Where docker login/push and manifest reads go when it is not the ECR host itself (moto,
   * LocalStack, a pull-through proxy). Unset: the registry host from the repository URI, over https.
   */
  registryEndpoint?: RegistryEndpoint;
  /** Retries for docker push and registry reads (exponential backoff, full jitter). */
  retry: RetryPolicy;
  /** Parent directory of the private docker config dir; RUNNER_TEMP or the OS temp dir by default. */
  configDirBase?: string;
}

export interface PushPorts {
  ecr: Pick<ECRClient, 'send'>;
  exec: Exec;
  clock: Clock;
  logger: Logger;
  /** core.setSecret in actions: called with the token and password before anything else happens. */
  mask: SecretMasker;
  /** Told the docker config dir (and registry host) before login writes credentials into it (post-step state). */
  onDockerConfig?(dir: string, registryHost: string): void;
  fetch?: typeof fetch;
  random?: () => number;
  /** The local image's inspection when the caller started it already (push-ecr's step starts it
   *  before this code and the AWS SDK load); else pushToEcr starts it. */
  inspected?: Promise<LocalImage | undefined>;
}

export interface TagResult {
  tag: string;
  reference: string;
  /** `pushed`, or `unchanged` when the registry already had this image under the tag. */
  action: 'pushed' | 'unchanged';
  digest: string;
}

export interface PushResult {
  /** The registry host pushed to (`<acct>.dkr.ecr.<region>.amazonaws.com`, or the endpoint override). */
  registry: string;
  /** `<registry>/<repository>`: where the image can be pulled from. */
  repositoryUri: string;
  /** The repository URI ECR reports (differs from repositoryUri only with an endpoint override). */
  ecrRepositoryUri: string;
  /**
   * The manifest digest the registry serves for the pushed tags, under `repositoryUri`: the value later
   * stages deploy (`image.reference` is `<repositoryUri>@<digest>`).
   */
  image: PinnedImage;
  tags: TagResult[];
  tokenExpiresAt?: Date;
  repository: RepositoryResult;
  /** The private docker config directory (removed by cleanupDockerConfig / the post step). */
  dockerConfigDir: string;
  localImageId: string;
}

/** Where docker and the registry API go for this repository, with the token as basic auth. */
function registryAccess(
  settings: SessionSettings,
  credentials: Parameters<typeof basicAuthorization>[0] & { proxyEndpoint?: string },
  ports: Pick<PushPorts, 'clock' | 'fetch'>,
): { registry: string; repositoryUri: string; api: RegistryApi } {
  const ecrHost = credentials.proxyEndpoint?.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const registry = settings.registryEndpoint?.host ?? ecrHost;
  if (!registry) throw new Error('ECR GetAuthorizationToken returned no proxy endpoint (registry host)');
  const api: RegistryApi = {
    baseUrl: settings.registryEndpoint?.baseUrl ?? `https://${registry}`,
    authorization: basicAuthorization(credentials),
    clock: ports.clock,
    retry: settings.retry,
    ...(ports.fetch ? { fetch: ports.fetch } : {}),
  };
  return { registry, repositoryUri: `${registry}/${settings.repository.name}`, api };
}

/** What the push needs before it has an image: the token, where to push, the repository as it is, a login. */
export interface RegistrySession {
  credentials: RegistryCredentials;
  /** The registry host docker pushes to. */
  registry: string;
  repositoryUri: string;
  api: RegistryApi;
  look: RepositoryLook;
  docker: DockerSession;
  /**
   * What tags held when this session last read them (undefined: nothing). The push's tag check uses
   * an answer the commit lookup already got instead of asking again; a tag that changes in between
   * is still refused by the registry itself when the repository is IMMUTABLE.
   */
  seen: Map<string, ManifestContent | undefined>;
}

export type SessionSettings = Omit<PushSettings, 'image' | 'tags'>;

/** Where to push and how to read the registry: known once the token is (masked first). */
export type RegistryAccess = Pick<RegistrySession, 'credentials' | 'registry' | 'repositoryUri' | 'api'>;

/** GetAuthorizationToken (the token and password masked before anything can print them) → where to push. */
export async function registryAccessFor(
  settings: SessionSettings,
  ports: Pick<PushPorts, 'ecr' | 'mask' | 'clock' | 'fetch'>,
): Promise<RegistryAccess> {
  const credentials = await getRegistryCredentials(ports.ecr, ports.mask, settings.repository.registryId);
  return { credentials, ...registryAccess(settings, credentials, ports) };
}

/**
 * Opens the registry session: the token and a look at the repository side by side (both read-only),
 * then the login — the credentials written into a private docker config dir, which is recorded
 * through onDockerConfig first. Changes nothing in ECR or the registry. `access` is a token request
 * already under way (pushToEcr starts the tag work with it).
 */
export async function openRegistrySession(
  settings: SessionSettings,
  ports: Omit<PushPorts, 'random'>,
  /** Settles before anything is written (the login); a rejection stops the session there. */
  beforeLogin?: Promise<unknown>,
  access: Promise<RegistryAccess> = registryAccessFor(settings, ports),
): Promise<RegistrySession> {
  const looked = inspectRepository(ports.ecr, settings.repository);
  looked.catch(() => undefined); // awaited below, after the token (whose failure is the one to report)
  const { credentials, registry, repositoryUri, api } = await access;
  const login = async (): Promise<DockerSession> => {
    await beforeLogin;
    const configDir = await createDockerConfigDir(settings.configDirBase);
    ports.onDockerConfig?.(configDir, registry);
    const docker: DockerSession = { exec: ports.exec, configDir };
    await writeDockerAuth(docker, { host: registry, username: credentials.username, password: credentials.password });
    ports.logger.info(`Logged in to ${registry} (credentials in a private docker config directory)`);
    return docker;
  };
  const [look, docker] = await Promise.all([looked, login()]);
  return { credentials, registry, repositoryUri, api, look, docker, seen: new Map() };
}

/**
 * The image a tag already holds in the repository (read-only: one manifest read), or undefined when
 * the repository or the tag does not exist. The pipeline uses it to deploy what an earlier run built
 * for the same commit instead of rebuilding (a rebuild is new content, which an IMMUTABLE repository
 * refuses under the same tag).
 */
export async function findPushedImage(
  session: Pick<RegistrySession, 'api' | 'repositoryUri' | 'seen'>,
  repositoryName: string,
  tag: string,
): Promise<PinnedImage | undefined> {
  const found = await getManifest(session.api, repositoryName, tag);
  session.seen.set(tag, found);
  return found ? pinnedImage(session.repositoryUri, found.digest) : undefined;
}

/**
 * Pushes the image. `opened` is a session opened earlier (the pipeline opens it while the image builds;
 * the image check then runs beside the tag work). Without one, the token and the repository look run
 * beside the image check and the login waits for it, so a wrong `image` input leaves nothing behind.
 */
export async function pushToEcr(
  settings: PushSettings,
  ports: PushPorts,
  opened?: Promise<RegistrySession>,
): Promise<PushResult> {
  const { logger } = ports;
  // 1. The local image must exist before anything is created or pushed. Meanwhile (all read-only or
  //    local): what every tag holds in the registry now, and the local tags docker push needs — both
  //    as soon as the token says where the repository is, beside the repository look and the login.
  const inspected = ports.inspected ?? inspectImage(ports.exec, settings.image);
  inspected.catch(() => undefined); // awaited below
  // Standalone, the token and the repository look go beside the image check; the login waits for it.
  const imageExists = inspected.then((image) => image ?? missingImage(settings.image));
  imageExists.catch(() => undefined); // awaited by the login (the session's first write)
  const access: Promise<RegistryAccess & { seen?: RegistrySession['seen'] }> =
    opened ?? registryAccessFor(settings, ports);
  const opening = opened ?? openRegistrySession(settings, ports, imageExists, access);
  const lookAtTags = access.then((where) =>
    Promise.all(
      settings.tags.map(async (tag) => {
        const existing = where.seen?.has(tag)
          ? where.seen.get(tag)
          : await getManifest(where.api, settings.repository.name, tag);
        const image = await inspected;
        const same =
          existing && image ? await manifestHoldsImage(where.api, settings.repository.name, existing, image.id) : false;
        return { tag, existing: existing?.digest, same };
      }),
    ),
  );
  const tagLocally = access.then(({ repositoryUri }) =>
    Promise.all(settings.tags.map((tag) => tagImage(ports.exec, settings.image, `${repositoryUri}:${tag}`))),
  );
  lookAtTags.catch(() => undefined); // settled below
  tagLocally.catch(() => undefined);
  const session = await opening;
  const { credentials, registry, repositoryUri, api } = session;
  const dockerConfigDir = session.docker.configDir;
  const settled = await Promise.allSettled([inspected, lookAtTags, tagLocally]);
  const local = await inspected;
  if (!local) missingImage(settings.image);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  logger.info(`Local image ${settings.image} is ${local.id}`);
  const plan = await lookAtTags;

  // 2. The repository made to match the settings: usually nothing to do; the first remote write.
  const repository = await ensureRepository(ports.ecr, settings.repository, logger, session.look);
  if (settings.registryEndpoint === undefined && !repository.repositoryUri.startsWith(`${registry}/`)) {
    throw new Error(
      `ECR reports repository URI ${repository.repositoryUri}, not under the token's registry ${registry}`,
    );
  }

  // 3. Every tag checked before the first push: an immutable tag holding other content stops here.
  const conflicts = plan.filter((p) => p.existing && !p.same);
  if (conflicts.length > 0 && repository.tagMutability === 'IMMUTABLE') {
    const names = conflicts.map((c) => `'${c.tag}' (holds ${c.existing})`).join(', ');
    throw new GateFailure(
      `tag invalid: the image tag${conflicts.length > 1 ? 's' : ''} ${names} already exist${conflicts.length > 1 ? '' : 's'} in the '${repository.name}' repository with other content than ${settings.image} (${local.id}) and cannot be overwritten because the repository is immutable. Push under a new tag (e.g. the commit SHA); nothing was pushed.`,
    );
  }
  for (const c of conflicts)
    logger.warning(`Tag '${c.tag}' held ${c.existing}; it will be moved (the repository's tags are MUTABLE)`);

  // 4. Tag and push what is not there yet: the first tag uploads the layers; the others only add a
  //    manifest, so they go side by side.
  const pushOne = async (tag: string): Promise<TagResult> => {
    const reference = `${repositoryUri}:${tag}`;
    const digest = await pushImage(session.docker, reference, {
      clock: ports.clock,
      logger,
      retry: settings.retry,
      ...(ports.random ? { random: ports.random } : {}),
    });
    logger.info(`Pushed ${reference} → ${digest}`);
    return { tag, reference, action: 'pushed', digest };
  };
  const results = new Map<string, TagResult>();
  for (const p of plan) {
    if (p.same && p.existing) {
      const reference = `${repositoryUri}:${p.tag}`;
      logger.info(`${reference} already holds this image (${p.existing}); not pushed again`);
      results.set(p.tag, { tag: p.tag, reference, action: 'unchanged', digest: p.existing });
    }
  }
  const toPush = plan.filter((p) => !results.has(p.tag)).map((p) => p.tag);
  if (toPush.length > 0) {
    results.set(toPush[0]!, await pushOne(toPush[0]!));
    for (const r of await Promise.all(toPush.slice(1).map(pushOne))) results.set(r.tag, r);
  }
  const tags = plan.map((p) => results.get(p.tag)!);

  // 5. A MUTABLE tag may be moved by another push at any moment: read every tag back, the registry
  //    must serve the digest docker reported. An IMMUTABLE tag cannot move once the registry accepted
  //    it (docker's digest is the registry's answer to the manifest upload), so no read is needed.
  if (repository.tagMutability === 'MUTABLE') {
    await Promise.all(
      tags.map(async (t) => {
        const served = await headManifest(api, repository.name, t.tag);
        if (!served) throw new Error(`registry has no manifest for ${t.reference} right after the push`);
        if (served.digest !== t.digest) {
          throw new Error(`registry serves ${served.digest} for ${t.reference} but docker reported ${t.digest}`);
        }
      }),
    );
  }
  const digest = (tags.find((t) => t.action === 'pushed') ?? tags[0]!).digest;
  const stray = tags.filter((t) => t.digest !== digest);
  if (stray.length > 0) {
    logger.warning(
      `Some tags hold the same image under another manifest digest: ${stray.map((t) => `${t.tag} → ${t.digest}`).join(', ')}`,
    );
  }
  if (credentials.expiresAt && credentials.expiresAt.getTime() <= ports.clock.now()) {
    logger.warning(`The ECR token's expiry (${credentials.expiresAt.toISOString()}) has already passed`);
  }

  return {
    registry,
    repositoryUri,
    ecrRepositoryUri: repository.repositoryUri,
    image: pinnedImage(repositoryUri, digest),
    tags,
    ...(credentials.expiresAt ? { tokenExpiresAt: credentials.expiresAt } : {}),
    repository,
    dockerConfigDir,
    localImageId: local.id,
  };
}

function missingImage(image: string): never {
  throw ConfigurationError.forInput(
    'image',
    image,
    'a local image known to the docker daemon (an image id or name:tag, e.g. the output of build-scan)',
  );
}

export { cleanupDockerConfig } from '../docker/docker.js';
