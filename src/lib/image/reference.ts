/**
 * Docker reference grammar (distribution/reference), strict: anything else is rejected before a
 * command line is ever built, so `$(touch /tmp/x)` never reaches docker.
 */
import { ConfigurationError } from '../runtime/errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const NAME_RE = new RegExp(`^${NAME}$`);
const MAX_NAME = 255;

export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** A repository name (`phlo/dagster`, `127.0.0.1:15000/phlo/dagster`, `123.dkr.ecr…/x`). */
export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME && NAME_RE.test(name);
}

export interface ImageRef {
  name: string;
  tag: string;
}

export function formatRef(ref: ImageRef): string {
  return `${ref.name}:${ref.tag}`;
}

/** Splits `name:tag` (a `:` after the last `/` is the tag separator, not a port). */
export function splitRef(ref: string): { name: string; tag?: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref };
}

/** Validates an image name input. */
export function validateName(input: string, value: string): string {
  if (!isValidName(value)) {
    throw ConfigurationError.forInput(
      input,
      value,
      'an image name such as phlo/dagster or registry.example.com:5000/phlo/dagster (lower-case letters, digits, separators . _ - and /; no tag)',
    );
  }
  return value;
}

/** Validates a tag input value (a bare tag, or `name:tag`, which must use the image name). */
export function validateTag(input: string, value: string): string {
  if (!isValidTag(value)) {
    throw ConfigurationError.forInput(
      input,
      value,
      'a docker tag: letters, digits, _ . and -, starting with a letter, digit or _, at most 128 characters',
    );
  }
  return value;
}
