/** Image references: parsing, the `images` input, and pinning containers by digest. */
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import { isPlainObject } from './merge.js';
import { podTemplatePath } from './kinds.js';
import type { Manifest } from './validate.js';
import { SHA256_DIGEST } from '../objects/types.js';

export interface ImageRef {
  /** registry/path without tag or digest */
  repository: string;
  tag?: string;
  digest?: string;
}

const REPO_PART = /^[a-z0-9.:_-]+(\/[a-z0-9._-]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export function parseImage(ref: string): ImageRef | undefined {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!SHA256_DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!rest || !REPO_PART.test(rest)) return undefined;
  return { repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function formatImage(ref: ImageRef): string {
  return `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * The `images` input: `name=registry/repo[:tag]@sha256:<64 hex>`, one per line. A name matches a
 * container whose image repository equals it or ends with `/<name>`.
 */
export function parseImagesInput(
  input: string,
  entries: Map<string, string>,
  requireDigest = true,
): Map<string, ImageRef> {
  const out = new Map<string, ImageRef>();
  const problems: string[] = [];
  for (const [name, value] of entries) {
    const parsed = parseImage(value);
    if (!name || !/^[a-z0-9][a-z0-9._/:-]*$/.test(name)) {
      problems.push(
        ConfigurationError.forInput(
          input,
          `${name}=${value}`,
          'name=registry/repository@sha256:<64 hex digits> with a lowercase image name',
        ).message,
      );
    } else if (!parsed || (requireDigest && !parsed.digest)) {
      problems.push(
        ConfigurationError.forInput(
          input,
          `${name}=${value}`,
          `name=registry/repository[:tag]@sha256:<64 hex digits> (pinned by digest)`,
        ).message,
      );
    } else out.set(name, parsed);
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return out;
}

function matches(name: string, repository: string): boolean {
  return repository === name || repository.endsWith(`/${name}`);
}

export interface PinResult {
  /** Image names from the input that no container used. */
  unused: string[];
  /** Pending image names (digest not known yet) that no container used. */
  unusedPending: string[];
}

/** Every container list of an object's pod template (or Pod spec). */
export function containerLists(object: Record<string, unknown>, kind: string): Array<Array<Record<string, unknown>>> {
  let spec: unknown;
  if (kind === 'Pod') spec = object.spec;
  else {
    const path = podTemplatePath(kind);
    if (!path) return [];
    let node: unknown = object;
    for (const p of path) node = isPlainObject(node) ? node[p] : undefined;
    spec = isPlainObject(node) ? node.spec : undefined;
  }
  if (!isPlainObject(spec)) return [];
  const lists: Array<Array<Record<string, unknown>>> = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) lists.push(list.filter(isPlainObject));
  }
  return lists;
}

/**
 * Replaces each matching container image with the pinned reference (the value given, written as
 * `formatImage` spells it); then, when `requireDigest`, refuses any container image without a digest
 * (naming the object, the container and the image).
 */
export function pinImages(
  manifests: readonly Manifest[],
  images: ReadonlyMap<string, ImageRef>,
  requireDigest: boolean,
  environment: string,
  pending: ReadonlySet<string> = new Set(),
): PinResult {
  const used = new Set<string>();
  const problems: string[] = [];
  for (const m of manifests) {
    for (const list of containerLists(m.object, m.ref.kind)) {
      for (const c of list) {
        const current = typeof c.image === 'string' ? c.image : '';
        const parsed = parseImage(current);
        const cname = typeof c.name === 'string' ? c.name : '?';
        const where = `${m.ref.kind} ${m.ref.namespace ? `${m.ref.namespace}/` : ''}${m.ref.name} container '${cname}'`;
        if (!parsed) {
          problems.push(`${where} (${m.source}): image '${current}' is not a valid image reference.`);
          continue;
        }
        // longest name wins (a full repository beats a short name)
        const match = [...images.keys(), ...pending]
          .filter((n) => matches(n, parsed.repository))
          .sort((a, b) => b.length - a.length)[0];
        if (match && !images.has(match)) {
          used.add(match); // its digest is not known yet: pinned when it is
        } else if (match) {
          c.image = formatImage(images.get(match)!);
          used.add(match);
        } else if (requireDigest && !parsed.digest) {
          problems.push(
            `${where}: image '${current}' is not pinned by digest, which environment '${environment}' requires: ` +
              `pass it in input 'images' as ${parsed.repository.split('/').pop()}=<registry>/<repository>@sha256:<digest> ` +
              'or pin it in the environment settings.',
          );
        }
      }
    }
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return {
    unused: [...images.keys()].filter((n) => !used.has(n)),
    unusedPending: [...pending].filter((n) => !used.has(n) && !images.has(n)),
  };
}
