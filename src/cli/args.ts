/**
 * The command line, understood before anything runs: the command first (so `stack status` and
 * `apply --help` mean what they say), then the flags, each of which must be one of the command's
 * inputs. Nothing here has side effects; `parseCommandLine` is the whole grammar.
 */
import { ConfigurationError } from '../lib/runtime/errors.js';
import { parseBoolean } from '../lib/runtime/inputs.js';
import { loadSpec, type CommandSpec } from './spec.js';

/** Commands and what they do; a unit test keeps this list equal to src/actions/. */
export const COMMANDS: Readonly<Record<string, string>> = {
  deploy: 'the whole pipeline: build-scan, push-ecr, render, apply, rollout-gate, health-gate, rollback on failure',
  'build-scan': 'build the image, scan it with Trivy, gate on severity, write SARIF and an SBOM',
  'push-ecr': 'make sure the ECR repository exists, log in, push every tag, output the digest',
  render: 'render k8s/ for an environment with images pinned by digest',
  apply: 'server-side apply with an all-or-nothing dry run, diff and opt-in pruning',
  'rollout-gate': 'watch workloads until they are rolled out, fail fast and explain',
  'health-gate': 'probe /health and /ready until they answer well N times in a row',
  rollback: 'return workloads to a recorded or previous revision',
  restore: 'restore a backup set (a dry run unless confirm names the environment): lake, database, cluster objects',
  cutover:
    'repoint the platform at a restore (a dry run unless confirm names the environment): settings, restart, gates, rollback',
  'drift-check': 'compare the cluster with the rendered environment on the fields phlo-deploy owns; report drift',
  backup: 'a dated, incremental, verified backup set: database, lake (sharded or not), cluster objects; retention',
};

/** `phlo-deploy stack <sub> [component ...]`, passed to stack/stack.sh. */
export const STACK_COMMANDS: Readonly<Record<string, string>> = {
  up: 'build what is missing and start the components',
  status: 'say whether each component is running (the default)',
  down: 'stop the components, in reverse order',
  build: 'only build (or fetch) the components',
};

/** Short names for the flags people type most, applied when the command has the input. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['env', 'environment'],
  // the spelling of --env-file that Node leaves alone (NODE_FLAGS)
  ['env_file', 'env-file'],
]);

/**
 * Flags Node reads wherever they are on its command line, even after the script (nodejs/node#54232):
 * `node dist/cli.js apply --env-file x` loads x into the environment (or exits 9 when x is not found
 * from the current directory) before phlo-deploy runs. Refused, with the spelling to use instead.
 */
const NODE_FLAGS: ReadonlySet<string> = new Set(['env-file']);

const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h']);

export type Invocation =
  /** `command` undefined: the list of commands; otherwise that command's help (`stack` included). */
  | { kind: 'help'; command?: string }
  | { kind: 'stack'; args: string[] }
  | { kind: 'action'; command: string; inputs: Map<string, string>; json: boolean };

export function isCommand(name: string): boolean {
  return Object.hasOwn(COMMANDS, name);
}

export function parseCommandLine(
  argv: readonly string[],
  specOf: (command: string) => CommandSpec = loadSpec,
): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || HELP_FLAGS.has(first)) {
    if (first !== 'help' || rest.length === 0) return { kind: 'help' };
    if (rest.length > 1) throw new ConfigurationError(`'help' takes one command, not '${rest.join(' ')}'.`);
    return { kind: 'help', command: checkCommand(rest[0]!) };
  }
  const command = checkCommand(first);
  // Help wins over everything else on the line, so asking never runs (or half-parses) the command.
  if (rest.some((arg) => HELP_FLAGS.has(arg))) return { kind: 'help', command };
  if (command === 'stack') return { kind: 'stack', args: parseStackArgs(rest) };
  return { kind: 'action', command, ...parseFlags(specOf(command), rest) };
}

function checkCommand(name: string): string {
  if (name === 'stack' || isCommand(name)) return name;
  const known = [...Object.keys(COMMANDS), 'stack', 'help'];
  const guess = nearest(name, known);
  throw new ConfigurationError(
    `unknown command '${name}'${guess ? `; did you mean ${guess}?` : ''} (expected one of ${known
      .slice(0, -2)
      .join(', ')}, stack or help)`,
  );
}

function parseStackArgs(args: readonly string[]): string[] {
  const [sub = 'status', ...components] = args;
  if (!Object.hasOwn(STACK_COMMANDS, sub)) {
    const guess = nearest(sub, Object.keys(STACK_COMMANDS));
    throw new ConfigurationError(
      `unknown stack command '${sub}'${guess ? `; did you mean ${guess}?` : ''} (expected ${Object.keys(STACK_COMMANDS).join(', ')})`,
    );
  }
  for (const c of components) {
    if (c.startsWith('-')) {
      throw new ConfigurationError(
        `unexpected flag '${c}' for stack ${sub}: it takes component names only (see 'phlo-deploy stack --help')`,
      );
    }
  }
  return [sub, ...components];
}

function parseFlags(spec: CommandSpec, args: readonly string[]): { inputs: Map<string, string>; json: boolean } {
  const { command } = spec;
  const inputs = new Map<string, string>();
  let json = false;
  let previous: { flag: string; isSwitch: boolean } | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      // A stray value: say where it is, never what it is (it may be a secret meant for a list input).
      const after = previous ? ` after --${previous.flag}${previous.isSwitch ? '' : ' <value>'}` : '';
      const hint = previous?.isSwitch
        ? `--${previous.flag} takes true, false or nothing`
        : 'a flag takes one value (repeat it for a list: --tags a --tags b)';
      throw new ConfigurationError(
        `unexpected argument ${i + 2} for ${command}${after} (not printed): ${hint}; see 'phlo-deploy ${command} --help'`,
      );
    }
    if (!arg.startsWith('--') || arg.length === 2 || arg[2] === '=') {
      throw new ConfigurationError(
        `unexpected argument '${arg}' for ${command}: flags are written --name value (see 'phlo-deploy ${command} --help')`,
      );
    }
    let flag = arg.slice(2);
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (eq >= 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (NODE_FLAGS.has(flag)) {
      throw new ConfigurationError(
        `flag --${flag} for ${command} is also read by Node itself, which loads the file into the process environment before phlo-deploy starts (nodejs/node#54232): write --env_file <path> instead`,
      );
    }
    const alias = ALIASES.get(flag);
    const name = alias !== undefined && spec.inputs.has(alias) ? alias : flag;
    const input = spec.inputs.get(name);
    const isJson = name === 'json' && !input;
    if (!input && !isJson) {
      const guess = nearest(flag, [...spec.inputs.keys(), 'json']);
      throw new ConfigurationError(
        `unknown flag --${flag} for ${command}; ${guess ? `did you mean --${guess}?` : `see 'phlo-deploy ${command} --help' for its inputs`}`,
      );
    }
    const isSwitch = isJson || input!.switch;
    previous = { flag, isSwitch };
    if (value === undefined) {
      const next = args[i + 1];
      // A switch takes the next word only when it is true or false (yes/no, on/off, 1/0).
      if (next !== undefined && !next.startsWith('--') && (!isSwitch || isBooleanWord(next))) {
        value = next;
        i++;
      } else if (isSwitch) {
        value = 'true';
      } else {
        throw new ConfigurationError(
          `flag --${flag} for ${command} needs a value: --${flag} <value> (or --${flag}=<value>)`,
        );
      }
    }
    if (isSwitch) parseBoolean(name, value);
    if (isJson) {
      json = parseBoolean(name, value);
    } else if (input!.switch || !inputs.has(name)) {
      inputs.set(name, value);
    } else {
      // A repeated flag adds a line, for list inputs (--tags a --tags b).
      inputs.set(name, `${inputs.get(name)}\n${value}`);
    }
  }
  return { inputs, json };
}

function isBooleanWord(word: string): boolean {
  try {
    parseBoolean('', word);
    return true;
  } catch {
    return false;
  }
}

/** The candidate closest to `word` when it is close enough to be what was meant. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = squash(candidate) === squash(word) ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn a into b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
