/** The environment name, read the same way by render, apply and the deploy pipeline. */
import { ConfigurationError } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import { isDnsLabel } from './names.js';

const EXPECTED = 'a lowercase name such as production, staging or local (a valid label value)';

/** Checks an environment name: it becomes a label value and a file name, so a DNS label. */
export function checkEnvironmentName(input: string, value: string): string {
  if (!isDnsLabel(value)) throw ConfigurationError.forInput(input, value, EXPECTED);
  return value;
}

/** Input 'environment' (required unless `optional`), checked. */
export function readEnvironment(inputs: Inputs, options: { optional: true }): string | undefined;
export function readEnvironment(inputs: Inputs, options?: { optional?: false }): string;
export function readEnvironment(inputs: Inputs, options: { optional?: boolean } = {}): string | undefined {
  const value = options.optional
    ? inputs.optional('environment')
    : inputs.required('environment', 'an environment name such as production, staging or local');
  return value === undefined ? undefined : checkEnvironmentName('environment', value);
}
