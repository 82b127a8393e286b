/**
 * Two kinds of error: a ConfigurationError is the user's mistake and is reported as one clean line
 * (no stack trace); anything else is a bug or an outage and keeps its cause for debug output.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  /**
   * @param message what was wrong, already naming the input, the value and the expected form
   */
  constructor(message: string) {
    super(message);
  }

  /** Builds the standard message: `Input 'x' is 'y': expected z.` */
  static forInput(input: string, value: string, expected: string): ConfigurationError {
    const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    return new ConfigurationError(`Input '${input}' is '${shown}': expected ${expected}.`);
  }
}

/** Several user mistakes reported together (validate everything before the first write). */
export class ConfigurationErrors extends ConfigurationError {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? problems[0]!
        : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** A step that ran and decided "no" (a gate that failed, a scan over threshold): not a bug. */
export class GateFailure extends Error {
  override readonly name = 'GateFailure';
  /** @param exitCode the process's exit status (drift-check: 1 drift, 2 error) */
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The exit status for a failed step: a GateFailure's own, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof GateFailure ? error.exitCode : 1;
}

export function isUserFacing(error: unknown): error is ConfigurationError | GateFailure {
  return error instanceof ConfigurationError || error instanceof GateFailure;
}

/**
 * The one line a user sees for an error: a user-facing error's own message (it already names the
 * input or the check), anything else through `describeError`.
 */
export function errorLine(error: unknown): string {
  return isUserFacing(error) ? error.message : describeError(error);
}

/** One short line for any error: Kubernetes and AWS errors lose their bodies and headers. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & {
      code?: number | string;
      body?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    // @kubernetes/client-node ApiException: code + body (a Status object, maybe as a string)
    if (typeof e.code === 'number' && e.body !== undefined) {
      const status = parseStatus(e.body);
      if (status) return `Kubernetes API ${e.code}: ${status}`;
      return `Kubernetes API ${e.code}`;
    }
    // AWS SDK v3 ServiceException
    if (e.$metadata !== undefined) {
      const http = e.$metadata.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
      return `${e.name}${http}: ${firstLine(e.message)}`;
    }
    return firstLine(e.message) || e.name;
  }
  return firstLine(String(error));
}

function parseStatus(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return firstLine(body);
    }
  }
  if (value && typeof value === 'object' && 'message' in value) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string') return firstLine(message);
  }
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/**
 * Runs parsers while collecting their ConfigurationErrors, so a settings parser reports every
 * problem at once: `const { problems, attempt } = collectProblems();` … `throwIfAny(problems)`.
 */
export function collectProblems(): { problems: string[]; attempt: <T>(fn: () => T) => T | undefined } {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ConfigurationErrors) problems.push(...error.problems);
      else if (error instanceof ConfigurationError) problems.push(error.message);
      else throw error;
      return undefined;
    }
  };
  return { problems, attempt };
}
