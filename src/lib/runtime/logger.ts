/** The logging port every lib module takes; actions pass one backed by @actions/core. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /** Runs fn inside a collapsible group; the group ends even when fn throws. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Registers a value that must never be printed (core.setSecret in actions). */
export type SecretMasker = (secret: string) => void;

/** A logger that keeps every line, for tests and for the CLI's summary. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`[${title}]`);
    return fn();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** A logger for terminals (the CLI): plain lines on stderr, debug behind PHLO_DEBUG. */
export class ConsoleLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly verbose = process.env.PHLO_DEBUG === '1',
  ) {}
  info(message: string): void {
    this.write(message);
  }
  warning(message: string): void {
    this.write(`warning: ${message}`);
  }
  debug(message: string): void {
    if (this.verbose) this.write(`debug: ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.write(`── ${title}`);
    return fn();
  }
}

/**
 * Holds lines logged by work started ahead of its turn (the pipeline opens the registry session while
 * the image builds) and hands them, in order, to the logger given to `attach`; later lines go
 * straight through. Groups are not nested in the buffer: their lines are kept in place.
 */
export class BufferedLogger implements Logger {
  private held: Array<[level: 'info' | 'warning' | 'debug', message: string]> = [];
  private target: Logger | undefined;
  attach(target: Logger): void {
    if (this.target) return;
    this.target = target;
    for (const [level, message] of this.held) target[level](message);
    this.held = [];
  }
  info(message: string): void {
    this.emit('info', message);
  }
  warning(message: string): void {
    this.emit('warning', message);
  }
  debug(message: string): void {
    this.emit('debug', message);
  }
  private emit(level: 'info' | 'warning' | 'debug', message: string): void {
    if (this.target) this.target[level](message);
    else this.held.push([level, message]);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    if (this.target) return this.target.group(title, fn);
    this.info(title);
    return fn();
  }
}
