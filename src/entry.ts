/**
 * The one bundle every action shares. Each `dist/<action>/<step>.js` is a two-line stub that calls
 * `start`, which loads only that action's code (a separate chunk), so a cold start does not pay for
 * the Kubernetes or AWS clients an action never uses. `dist/cli.js` calls `cli`.
 *
 * Both exit as soon as the step is complete. The action body never calls `process.exit` (runAction
 * sets `process.exitCode`); once it has returned, every output, state and summary line is written
 * (@actions/core appends them synchronously, the summary is awaited, and stdout/stderr are
 * synchronous for files and pipes on Linux), so nothing is left to do but wait for idle keep-alive
 * sockets and timers to wind down — time a gate's caller would otherwise spend waiting for the step.
 */
export async function start(action: string, step: 'main' | 'post'): Promise<void> {
  await import(`./actions/${action}/${step}.ts`);
  process.exit();
}

export async function cli(argv: string[]): Promise<void> {
  const { main } = await import('./cli/main.js');
  process.exit(await main(argv));
}
