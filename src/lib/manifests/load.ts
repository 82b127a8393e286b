/**
 * Finding and reading manifest files: folders or globs, resolved inside the allowed roots
 * (the workspace, and for apply also the runner's temp folder). Every file is checked with
 * realpath, so a symlink pointing outside the roots is refused, and against a size limit before it
 * is read; YAML is parsed by `yaml.ts` (alias-bomb safe).
 */
import { realpathSync, statSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import { runSteps, type Steps } from '../runtime/steps.js';
import { DEFAULT_YAML_LIMITS, parseDocuments, YamlProblem, type YamlLimits } from './yaml.js';

/** One YAML document that is a mapping, with where it came from. */
export interface SourceDocument {
  /** Path relative to the first root (or absolute when under another root). */
  source: string;
  /** 1-based document number within the file. */
  index: number;
  object: Record<string, unknown>;
}

export interface LoadLimits extends YamlLimits {
  /** Largest file read, in bytes. */
  maxFileBytes: number;
  /** Most files one input may match. */
  maxFiles: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = { ...DEFAULT_YAML_LIMITS, maxFileBytes: 1024 * 1024, maxFiles: 1000 };

const YAML_EXT = /\.ya?ml$/i;

/** Real path of each root (they must exist). */
export function realRoots(roots: readonly string[]): string[] {
  return roots.filter((r) => r && existsSync(r)).map((r) => realpathSync(r));
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Shows a path relative to the first root when it is inside it. */
export function displayPath(file: string, roots: readonly string[]): string {
  const root = roots[0];
  if (root && isInside(file, root)) return path.relative(root, file) || '.';
  return file;
}

/** The leading path segments of a glob that hold no wildcard ('' when the first one does). */
export function staticBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[\]{}()!+@]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/') || (pattern.startsWith('/') ? '/' : '.');
}

/**
 * Resolves `patterns` (files, folders searched recursively for *.yaml/*.yml, or globs) relative to
 * `cwd`, to real file paths inside `roots`. Problems are collected and thrown together.
 */
export function resolveManifestFiles(
  input: string,
  patterns: readonly string[],
  cwd: string,
  roots: readonly string[],
  limits: Pick<LoadLimits, 'maxFiles'> = DEFAULT_LOAD_LIMITS,
): string[] {
  const real = realRoots(roots);
  if (real.length === 0) throw ConfigurationError.forInput('workspace', roots.join(', '), 'an existing folder');
  const problems: string[] = [];
  const files = new Set<string>();
  for (const pattern of patterns) {
    const before = files.size;
    if (isDynamicPattern(pattern)) {
      // The glob's static base (the folders before its first wildcard) must lie inside the workspace
      // before anything is walked: '../../**/*.yaml' would otherwise list the whole disk first.
      const base = path.resolve(cwd, staticBase(pattern));
      let baseReal = base;
      try {
        baseReal = realpathSync(base);
      } catch {
        // a base that does not exist matches nothing; the 'matches no file' problem below says so
      }
      if (!real.some((r) => isInside(base, r) && isInside(baseReal, r))) {
        problems.push(
          `Input '${input}' has '${pattern}': the pattern starts at ${base}, outside the workspace (${real.join(', ')}); write a path inside it.`,
        );
        continue;
      }
      for (const match of globSync(pattern, {
        cwd,
        absolute: true,
        onlyFiles: true,
        followSymbolicLinks: true,
        dot: false,
      })) {
        if (YAML_EXT.test(match)) addFile(match, pattern);
      }
    } else {
      const abs = path.resolve(cwd, pattern);
      let st;
      try {
        st = statSync(abs);
      } catch {
        problems.push(`Input '${input}' has '${pattern}': no such file or folder (looked at ${abs}).`);
        continue;
      }
      if (st.isDirectory()) {
        const dirReal = checkInside(abs, pattern);
        if (!dirReal) continue;
        for (const match of globSync('**/*.{yaml,yml}', {
          cwd: abs,
          absolute: true,
          onlyFiles: true,
          followSymbolicLinks: true,
        })) {
          addFile(match, pattern);
        }
      } else {
        addFile(abs, pattern);
      }
    }
    if (files.size === before && !problems.some((p) => p.includes(`'${pattern}'`))) {
      problems.push(`Input '${input}' has '${pattern}': it matches no .yaml or .yml file.`);
    }
  }
  if (files.size > limits.maxFiles) {
    problems.push(`Input '${input}' matches ${files.size} files: at most ${limits.maxFiles} are read.`);
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return [...files].sort();

  function checkInside(abs: string, pattern: string): string | undefined {
    let target: string;
    try {
      target = realpathSync(abs);
    } catch {
      problems.push(`Input '${input}' has '${pattern}': ${abs} cannot be resolved (a broken symlink?).`);
      return undefined;
    }
    if (!real.some((r) => isInside(target, r))) {
      problems.push(
        `Input '${input}' has '${pattern}': ${abs} resolves to ${target}, outside the workspace (${real.join(', ')}); ` +
          'manifests must stay inside it (symlinks are followed).',
      );
      return undefined;
    }
    return target;
  }

  function addFile(abs: string, pattern: string): void {
    const target = checkInside(abs, pattern);
    if (target) files.add(target);
  }
}

/**
 * Reads and parses files; every document must be a mapping (empty documents are skipped, a
 * `kind: List` is expanded). All problems are collected and thrown together.
 */
export function loadDocuments(
  files: readonly string[],
  roots: readonly string[],
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
): SourceDocument[] {
  return runSteps(loadDocumentSteps(files, roots, limits));
}

/** loadDocuments, pausing after each file (see runtime/steps.ts). */
export function* loadDocumentSteps(
  files: readonly string[],
  roots: readonly string[],
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
): Steps<SourceDocument[]> {
  const real = realRoots(roots);
  const problems: string[] = [];
  const out: SourceDocument[] = [];
  for (const [n, file] of files.entries()) {
    if (n > 0) yield;
    const shown = displayPath(file, real);
    const size = statSync(file).size;
    if (size > limits.maxFileBytes) {
      problems.push(`${shown}: the file is ${size} bytes, more than the limit of ${limits.maxFileBytes} bytes.`);
      continue;
    }
    let docs: unknown[];
    try {
      docs = parseDocuments(readFileSync(file, 'utf8'), limits);
    } catch (error) {
      if (error instanceof YamlProblem) {
        problems.push(`${shown}: ${error.message}.`);
        continue;
      }
      throw error;
    }
    docs.forEach((doc, i) => {
      const index = i + 1;
      if (doc === null || doc === undefined) return;
      if (typeof doc !== 'object' || Array.isArray(doc)) {
        const what = Array.isArray(doc) ? 'a list' : `a ${typeof doc} (${JSON.stringify(doc).slice(0, 40)})`;
        problems.push(
          `${shown} document ${index}: is ${what}; every document must be a mapping (a Kubernetes object).`,
        );
        return;
      }
      const object = doc as Record<string, unknown>;
      if (object.kind === 'List' && Array.isArray(object.items)) {
        object.items.forEach((item, j) => {
          if (!item || typeof item !== 'object' || Array.isArray(item)) {
            problems.push(`${shown} document ${index} item ${j + 1}: every List item must be a mapping.`);
          } else out.push({ source: shown, index, object: item as Record<string, unknown> });
        });
        return;
      }
      out.push({ source: shown, index, object });
    });
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return out;
}

export function describeSource(doc: Pick<SourceDocument, 'source' | 'index'>): string {
  return `${doc.source} document ${doc.index}`;
}
