/**
 * What undoing a failed apply did, as values: apply throws `ApplyWriteFailure` when a write fails after
 * the dry run (or a prune after the writes), having put back what it wrote (`undoWrites` in apply.ts).
 * The deploy pipeline gates the workloads the undo restored and says, object by object, what was and
 * was not restored. Kept apart from apply.ts so that the pipeline can recognise the failure without
 * loading apply.
 */
import { ConfigurationErrors } from '../runtime/errors.js';
import type { ObjectRef } from '../objects/types.js';

/** What `undoWrites` did, object by object. */
export interface UndoResult {
  /** Objects the apply created (or re-created after a prune): deleted again. */
  deleted: ObjectRef[];
  /** Objects the apply changed: their content from before the writes is back. */
  restored: ObjectRef[];
  /** Objects the apply pruned: created again from their content before the prune. */
  recreated: ObjectRef[];
  /** What could not be undone, each with the reason. */
  failed: Array<{ ref: ObjectRef; message: string }>;
  /** One line: `undone: deleted the 1 it created (…); restored the 1 it changed (…).` */
  summary: string;
  /** `failed`, a line each: `Could not undo the write of <object>: <reason>`. */
  problems: string[];
}

/**
 * A write (or a prune) refused after a successful dry run: what had been written is undone (`undo`)
 * and every problem is listed, the first line saying what was undone. A ConfigurationErrors, so it
 * is shown as lines and never as a stack trace, like apply's other refusals.
 */
export class ApplyWriteFailure extends ConfigurationErrors {
  constructor(
    problems: readonly string[],
    /** How many objects had been written (or pruned) when it failed. */
    readonly writtenCount: number,
    readonly undo: UndoResult,
  ) {
    super(problems);
  }
}
