/**
 * What a step's body gets from whoever runs it: the GitHub runner adapter (`src/runner`), the CLI
 * (`src/cli`), or the root pipeline. Plain ports, no @actions/core.
 */
import type { Inputs } from './inputs.js';
import type { Logger } from './logger.js';

export interface ActionContext {
  inputs: Inputs;
  logger: Logger;
  setOutput(name: string, value: string | number | boolean | object): void;
  setSecret(value: string): void;
  /** Appends Markdown to the job summary; written once, when the action ends (even on failure). */
  summary(markdown: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Set when the caller may stop the work early (the pipeline stops a build it no longer needs). */
  signal?: AbortSignal;
}
