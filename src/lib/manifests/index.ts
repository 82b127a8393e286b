/** The manifests domain: render (k8s/ → objects → file) and loading rendered files for apply. */
import { DEFAULT_LOAD_LIMITS, loadDocuments, resolveManifestFiles, type LoadLimits } from './load.js';
import { validateObjects, type Manifest } from './validate.js';

export {
  renderManifests,
  renderManifestsYielding,
  stampDeploy,
  writeRendered,
  type RenderSettings,
  type RenderResult,
} from './render.js';
export { readSecretValues, type SecretValues } from './secrets.js';
export { parseImagesInput } from './images.js';
export { parseRenderSettings, checkRenderSettings, renderedDir } from './render-settings.js';
export type { Manifest } from './validate.js';

/**
 * Loads already-rendered manifests (files, folders or globs) for apply: every file inside `roots`
 * (the first is the workspace, relative patterns resolve against it), parsed safely and validated.
 */
export function loadManifests(
  patterns: readonly string[],
  roots: readonly string[],
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
  input = 'manifests',
): Manifest[] {
  const files = resolveManifestFiles(input, patterns, roots[0]!, roots, limits);
  return validateObjects(loadDocuments(files, roots, limits));
}
