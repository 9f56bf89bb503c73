import { parseArgs, ParseArgsConfig } from 'util';

/** What a CLI command may touch, so commands are testable in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour and interactive prompts only when true. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A subcommand of `shipshape`. Resolves to the process exit code. */
export interface CliCommand {
  name: string;
  /** One line for `shipshape --help`. */
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A usage or I/O error: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** Options of a subcommand, as `util.parseArgs` takes them. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Parses a subcommand's arguments (strict, positionals allowed); bad ones are a usage error. */
export function parseCommandLine<O extends OptionSpecs>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}
