import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { MAX_TEXT_LENGTH } from '../core/limits';
import { FileAccessError, readRegularFile } from '../node/files';

export { FileAccessError } from '../node/files';

/**
 * Most bytes of a Dockerfile or manifest read: a UTF-16 code unit takes at most three UTF-8
 * bytes, so a larger file is over the engine's MAX_TEXT_LENGTH whatever it holds.
 */
export const MAX_SOURCE_BYTES = 3 * MAX_TEXT_LENGTH;

/** What a CLI command may touch, so commands are testable in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour and interactive prompts only when true. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The language of messages (`--lang`, else LC_ALL / LC_MESSAGES / LANG; set by `main`). English when unset. */
  locale?: 'en' | 'zh-cn';
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

/**
 * Reads a file named on the command line or found by the CLI: only a regular file (a symlink to
 * one is fine; a FIFO, a device or `/dev/zero` is refused before a byte is read) of at most
 * `maxBytes`. Throws a FileAccessError (code NOT_FOUND when it does not exist).
 */
export async function readInputFile(io: CliIO, file: string, maxBytes: number): Promise<string> {
  return readRegularFile(path.resolve(io.cwd, file), maxBytes);
}

/** Why a file could not be read, for a message that names it as the user wrote it. */
export function fileProblem(file: string, e: unknown): string {
  if (e instanceof FileAccessError) {
    if (e.code === 'NOT_FOUND') return `${file}: no such file`;
    return `${file}${e.message.slice(e.file.length)}`;
  }
  return `${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
}
