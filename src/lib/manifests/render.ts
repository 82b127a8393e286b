/**
 * render: k8s/ (base + environment overlay) → validated, pinned, labelled objects, written as one
 * YAML stream. Order: find files → parse (size/alias limits) → substitute declared variables →
 * validate → merge overlays → replicas → images → secrets placeholder → labels/annotations →
 * final checks → write. Nothing is written unless every check passed.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { runSteps, runStepsYielding, type Steps } from '../runtime/steps.js';
import type { ObjectRef } from '../objects/types.js';
import { sortByRefKey } from '../objects/types.js';
import {
  DEFAULT_LOAD_LIMITS,
  describeSource,
  displayPath,
  isInside,
  loadDocumentSteps,
  realRoots,
  resolveManifestFiles,
  type LoadLimits,
  type SourceDocument,
} from './load.js';
import { identityKey, validateObjects, type Manifest } from './validate.js';
import { deepMerge, isPlainObject } from './merge.js';
import { defaultSettings, loadSettings, substituteVariables, type EnvironmentSettings } from './settings.js';
import { parseImage, pinImages, type ImageRef } from './images.js';
import { placeholderSecret, type SecretValues } from './secrets.js';
import { podTemplatePath, tierIndex } from './kinds.js';
import { dumpDocuments } from './yaml.js';
import { checkRenderSettings } from './render-settings.js';

import {
  ANNOTATION_COMMIT,
  ANNOTATION_RUN_URL,
  LABEL_ENVIRONMENT,
  LABEL_MANAGED_BY,
  LABEL_OWNER,
  LABEL_PART_OF,
  ownerLabelValue,
  MANAGER,
} from '../objects/names.js';

export interface RenderSettings {
  /** The workspace root; every manifest must resolve inside it. */
  workspace: string;
  /** Input 'manifests': a k8s/ folder (with base/ and environments/) or files, folders, globs. */
  manifests: string[];
  environment: string;
  /** Input 'settings' for globs mode: a settings.yaml (its sibling *.yaml are NOT overlays then). */
  settingsFile?: string;
  /**
   * name → the image containers of that name get, pinned by digest (parsed by parseImagesInput, or
   * the pipeline's PinnedImage as push-ecr made it).
   */
  images: ReadonlyMap<string, ImageRef>;
  /**
   * Image names whose digest is not known yet (the pipeline renders before the build, to find every
   * problem in k8s/ before anything is pushed): they count as pinned and are left as they are.
   */
  pendingImages?: ReadonlySet<string>;
  labels: ReadonlyMap<string, string>;
  annotations: ReadonlyMap<string, string>;
  /** Secret built from env-file/secrets inputs (values stay in memory). */
  secret?: { name: string; namespace: string; values: SecretValues };
  commit?: string;
  runUrl?: string;
  /** The deploying repository (`org/repo`, GITHUB_REPOSITORY): written as the phlo.dev/owner label. */
  owner?: string;
  /**
   * New values for variables the environment's settings declare (a restore's cutover repoints the
   * platform with them), from the input named `input`; a name the settings do not declare is an error.
   */
  variables?: { values: ReadonlyMap<string, string>; input: string };
  /**
   * Only the ConfigMaps and Secrets are wanted (the cutover applies those and nothing else): images are
   * neither pinned nor checked, and the result holds no other object, so nothing unpinned leaves render.
   */
  configOnly?: boolean;
  /** Output file (the rendered YAML stream); when absent, nothing is written. */
  output?: string;
  limits?: LoadLimits;
}

export interface RenderResult {
  environment: string;
  objects: Manifest[];
  refs: ObjectRef[];
  /** The written file, if any. */
  path?: string;
  settings: EnvironmentSettings;
  /** Images from the input that no container used. */
  unusedImages: string[];
  /** Pending image names that no container used (the pipeline refuses that before the build). */
  unusedPending: string[];
}

interface Layout {
  baseFiles: string[];
  overlayFiles: string[];
  settingsFile?: string;
}

/** The backup plan in an environment folder: read by src/lib/backup/plan.ts, never an overlay. */
const BACKUP_PLAN_FILE = /^backup\.ya?ml$/;

function resolveLayout(s: RenderSettings, roots: string[]): Layout {
  const limits = s.limits ?? DEFAULT_LOAD_LIMITS;
  const single = s.manifests.length === 1 ? path.resolve(s.workspace, s.manifests[0]!) : undefined;
  if (single && existsSync(path.join(single, 'base')) && statSync(path.join(single, 'base')).isDirectory()) {
    const baseFiles = resolveManifestFiles('manifests', [path.join(single, 'base')], s.workspace, roots, limits);
    const envRoot = path.join(single, 'environments');
    const envDir = path.join(envRoot, s.environment);
    if (!existsSync(envDir)) {
      const known = existsSync(envRoot)
        ? readdirSync(envRoot).filter((d) => statSync(path.join(envRoot, d)).isDirectory())
        : [];
      throw ConfigurationError.forInput(
        'environment',
        s.environment,
        `one of the environments in ${displayPath(envRoot, roots)}: ${known.join(', ') || '(none)'}`,
      );
    }
    const envFiles = resolveManifestFiles('manifests', [envDir], s.workspace, roots, limits);
    const settingsFile = envFiles.find(
      (f) => /^settings\.ya?ml$/.test(path.basename(f)) && path.dirname(f) === realpathSync(envDir),
    );
    // backup.yaml beside it is the backup plan (src/lib/backup/plan.ts), not an overlay
    const envReal = realpathSync(envDir);
    const overlayFiles = envFiles.filter(
      (f) => f !== settingsFile && !(BACKUP_PLAN_FILE.test(path.basename(f)) && path.dirname(f) === envReal),
    );
    return { baseFiles, overlayFiles, settingsFile };
  }
  const baseFiles = resolveManifestFiles('manifests', s.manifests, s.workspace, roots, limits);
  let settingsFile: string | undefined;
  if (s.settingsFile) {
    [settingsFile] = resolveManifestFiles('settings', [s.settingsFile], s.workspace, roots, limits);
  }
  return { baseFiles: baseFiles.filter((f) => f !== settingsFile), overlayFiles: [], settingsFile };
}

/** Substitutes declared variables per document; an undeclared one names the file and variable. */
function substitute(docs: SourceDocument[], settings: EnvironmentSettings, settingsShown: string): SourceDocument[] {
  const problems: string[] = [];
  const out = docs.map((d) => {
    const undeclared = new Set<string>();
    const object = substituteVariables(d.object, settings.variables, undeclared) as Record<string, unknown>;
    for (const name of undeclared) {
      problems.push(
        `${describeSource(d)}: \${${name}} is not a declared variable: declare it under 'variables' in ${settingsShown} ` +
          `or write $\${${name}} for a literal.`,
      );
    }
    return { ...d, object };
  });
  if (problems.length) throw new ConfigurationErrors(problems);
  return out;
}

export function renderManifests(s: RenderSettings, logger: Logger): RenderResult {
  return runSteps(renderSteps(s, logger));
}

/**
 * renderManifests, letting the event loop run after each file it parses: requests started before it
 * go on while it computes (drift-check reads the cluster meanwhile). The same result and errors.
 */
export function renderManifestsYielding(s: RenderSettings, logger: Logger): Promise<RenderResult> {
  return runStepsYielding(renderSteps(s, logger));
}

function* renderSteps(s: RenderSettings, logger: Logger): Steps<RenderResult> {
  checkRenderSettings(s);
  const roots = realRoots([s.workspace]);
  const limits = s.limits ?? DEFAULT_LOAD_LIMITS;
  const layout = resolveLayout(s, roots);
  const settingsShown = layout.settingsFile ? displayPath(layout.settingsFile, roots) : 'the environment settings';
  const settings = layout.settingsFile
    ? loadSettings(layout.settingsFile, settingsShown, s.environment)
    : defaultSettings(s.environment);
  if (s.variables?.values.size) {
    const undeclared = [...s.variables.values.keys()].filter((name) => !settings.variables.has(name));
    if (undeclared.length)
      throw new ConfigurationError(
        `Input '${s.variables.input}': ${undeclared.map((n) => `'${n}'`).join(', ')} ${undeclared.length === 1 ? 'is' : 'are'} ` +
          `not declared under 'variables' in ${settingsShown} (declared: ${[...settings.variables.keys()].join(', ') || 'none'}).`,
      );
    settings.variables = new Map([...settings.variables, ...s.variables.values]);
  }

  // 1. parse + substitute + validate base and overlays (all problems of one stage together)
  const baseDocs = substitute(yield* loadDocumentSteps(layout.baseFiles, roots, limits), settings, settingsShown);
  yield;
  const overlayDocs = substitute(yield* loadDocumentSteps(layout.overlayFiles, roots, limits), settings, settingsShown);
  yield;
  const base = validateObjects(baseDocs, { defaultNamespace: settings.defaultNamespace });
  const overlays = validateObjects(overlayDocs, { defaultNamespace: settings.defaultNamespace });

  // 2. merge overlays by (group, kind, namespace, name)
  const byKey = new Map(base.map((m) => [identityKey(m.ref), m]));
  const objects = [...base];
  for (const o of overlays) {
    const target = byKey.get(identityKey(o.ref));
    if (target) {
      target.object = deepMerge(target.object, o.object) as Manifest['object'];
      target.source = `${target.source} + ${o.source}`;
    } else {
      objects.push(o);
      byKey.set(identityKey(o.ref), o);
    }
  }

  const problems: string[] = [];
  // 3. replicas from settings
  for (const [key, replicas] of settings.replicas) {
    const [ns, name] = key.split('/');
    const target = objects.find(
      (m) =>
        (m.ref.kind === 'Deployment' || m.ref.kind === 'StatefulSet') && m.ref.namespace === ns && m.ref.name === name,
    );
    if (!target) problems.push(`${settingsShown}: replicas: no Deployment or StatefulSet '${key}' in the manifests.`);
    else (target.object.spec as Record<string, unknown>).replicas = replicas;
  }

  // 4. secret placeholder
  if (s.secret) {
    const clash = objects.find(
      (m) => m.ref.kind === 'Secret' && m.ref.namespace === s.secret!.namespace && m.ref.name === s.secret!.name,
    );
    if (clash) {
      problems.push(
        `Secret '${s.secret.namespace}/${s.secret.name}' from inputs 'env-file'/'secrets' is also defined in ${clash.source}: keep one.`,
      );
    } else {
      objects.push({
        ref: { apiVersion: 'v1', kind: 'Secret', namespace: s.secret.namespace, name: s.secret.name },
        object: placeholderSecret(s.secret, [...s.secret.values.keys()]),
        source: "inputs 'env-file'/'secrets'",
        scope: 'namespaced',
      });
    }
  }
  for (const m of objects) {
    if (m.ref.kind === 'Secret' && (m.object.data !== undefined || m.object.stringData !== undefined)) {
      problems.push(
        `${m.source}: Secret '${m.ref.name}' has literal data in the manifests: provide values through inputs 'env-file' or 'secrets' instead.`,
      );
    }
  }
  if (problems.length) throw new ConfigurationErrors(problems);

  // 5. images: settings defaults, input wins
  const images = new Map<string, ImageRef>();
  for (const [k, v] of settings.images) {
    const parsed = parseImage(v);
    if (!parsed || (settings.requireDigests && !parsed.digest)) {
      problems.push(
        `${settingsShown}: images: '${k}' is '${v}': expected registry/repository[:tag]@sha256:<64 hex digits>.`,
      );
    } else images.set(k, parsed);
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  for (const [k, v] of s.images) images.set(k, v);
  let unusedImages: string[] = [];
  let unusedPending: string[] = [];
  if (s.configOnly) {
    // only ConfigMaps and Secrets leave render: nothing with a container, nothing to pin
    const config = objects.filter((m) => m.ref.kind === 'ConfigMap' || m.ref.kind === 'Secret');
    objects.splice(0, objects.length, ...config);
  } else {
    const pin = pinImages(objects, images, settings.requireDigests, s.environment, s.pendingImages);
    unusedImages = pin.unused.filter((n) => s.images.has(n));
    unusedPending = pin.unusedPending;
    for (const n of unusedImages) logger.warning(`Input 'images': no container uses image '${n}'.`);
  }

  // 6. labels and annotations
  const labels: Record<string, string> = {
    ...Object.fromEntries(s.labels),
    [LABEL_MANAGED_BY]: MANAGER,
    [LABEL_PART_OF]: 'phlo',
    [LABEL_ENVIRONMENT]: s.environment,
  };
  // on objects only, not on pod templates (a new template label would restart every workload once)
  const objectLabels: Record<string, string> = s.owner
    ? { ...labels, [LABEL_OWNER]: ownerLabelValue(s.owner) }
    : labels;
  const annotations: Record<string, string> = {
    ...Object.fromEntries(s.annotations),
    ...deployAnnotations(s.commit, s.runUrl),
  };
  for (const m of objects) {
    const md = m.object.metadata;
    md.labels = { ...((md.labels as Record<string, string>) ?? {}), ...objectLabels };
    if (Object.keys(annotations).length)
      md.annotations = { ...((md.annotations as Record<string, string>) ?? {}), ...annotations };
    const tpath = podTemplatePath(m.ref.kind);
    if (tpath) {
      let node: unknown = m.object;
      for (const p of tpath) node = isPlainObject(node) ? node[p] : undefined;
      if (isPlainObject(node)) {
        const tmd = (isPlainObject(node.metadata) ? node.metadata : (node.metadata = {})) as Record<string, unknown>;
        tmd.labels = { ...((tmd.labels as Record<string, string>) ?? {}), ...labels };
      }
    }
  }

  // 7. final pass: the merged objects must still be valid (overlays can break them)
  const final = sortByRefKey(
    validateObjects(
      objects.map((m, i) => ({ source: m.source, index: i + 1, object: m.object })),
      {},
    ).map((m, i) => ({ ...m, source: objects[i]!.source })),
    (m) => m.ref,
    (m) => tierIndex(m.ref.kind),
  );

  const result: RenderResult = {
    environment: s.environment,
    objects: final,
    refs: final.map((m) => m.ref),
    settings,
    unusedImages,
    unusedPending,
  };
  if (s.output) result.path = writeRendered(final, s.output, s.environment);
  return result;
}

/** The annotations render puts on every object for the deploy's commit and run URL. */
function deployAnnotations(commit: string | undefined, runUrl: string | undefined): Record<string, string> {
  return { ...(commit ? { [ANNOTATION_COMMIT]: commit } : {}), ...(runUrl ? { [ANNOTATION_RUN_URL]: runUrl } : {}) };
}

/**
 * Stamps objects rendered without a commit and run URL with those of a deploy, as rendering with them
 * would have (drift-check renders once, then learns from the deploy record which deploy to compare with).
 */
export function stampDeploy(
  objects: readonly Manifest[],
  commit: string | undefined,
  runUrl: string | undefined,
): void {
  const annotations = deployAnnotations(commit, runUrl);
  if (Object.keys(annotations).length === 0) return;
  for (const m of objects) {
    const md = m.object.metadata;
    md.annotations = { ...((md.annotations as Record<string, string>) ?? {}), ...annotations };
  }
}

/** Writes the rendered YAML stream atomically (temp file + rename). Returns the path. */
export function writeRendered(objects: readonly Manifest[], output: string, environment: string): string {
  const abs = path.resolve(output);
  mkdirSync(path.dirname(abs), { recursive: true });
  const header = `# Rendered by phlo-deploy for environment '${environment}': ${objects.length} objects.\n# Secret values are not here: apply injects them in memory.\n`;
  const tmp = `${abs}.${process.pid}.tmp`;
  writeFileSync(tmp, header + dumpDocuments(objects.map((m) => m.object)), { mode: 0o644 });
  renameSync(tmp, abs);
  return abs;
}

export { isInside };
