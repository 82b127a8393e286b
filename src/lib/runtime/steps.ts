/**
 * Long synchronous work written as a generator that pauses (`yield`) between its parts — render
 * pauses after each file it parses — so one body serves two callers: `runSteps` runs it straight
 * through, as a plain function call; `runStepsYielding` lets the event loop run at every pause, so
 * requests started before it (drift-check's cluster reads) make progress while it computes.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs `steps`, letting the event loop handle I/O and timers at every pause. */
export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
