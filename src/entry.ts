/**
 * The one bundle every action shares. Each `dist/<action>/<step>.js` is a two-line stub that calls
 * `start`, which loads only that action's code (a separate chunk), so a cold start does not pay for
 * the Kubernetes or AWS clients an action never uses. `dist/cli.js` calls `cli`.
 */
export async function start(action: string, step: 'main' | 'post'): Promise<void> {
  await import(`./actions/${action}/${step}.ts`);
}

export async function cli(argv: string[]): Promise<void> {
  const { main } = await import('./cli/main.js');
  process.exitCode = await main(argv);
}
