import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { MAX_TEXT_LENGTH } from '../core/limits';
import { FileAccessError, readRegularFile } from '../node/files';
import { Arg, LocalizedError, Text, english, frag } from '../core/l10n/text';

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
  /** The usage text in English (`usageText` renders it in the user's locale). */
  usage: string;
  /** The usage text as a template, for `--help` and usage errors in the user's locale. */
  usageText?: Text;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A usage or I/O error: printed without a stack, exit code 2. Given as a template, it is printed in the user's locale. */
export class UsageError extends LocalizedError {}

/** An error's words: its template when it carries one (`l10n`, as UsageError, SigningInputError, ScanError… do), else its message. */
export function errorWords(e: unknown): string | Text {
  const l10n = (e as { l10n?: unknown } | undefined)?.l10n;
  if (l10n && typeof l10n === 'object' && typeof (l10n as Text).id === 'string' && typeof (l10n as Text).en === 'string') return l10n as Text;
  return e instanceof Error ? e.message : String(e);
}

/** An error message followed by the command's usage. */
export function withUsage(error: Arg, usage: Arg): Text {
  return frag('cli.error-with-usage', '{error}\n\n{usage}', { error, usage });
}

/** `--<option> must be one of <a, b, c> (got '<value>')`. */
export function mustBeOneOf(option: string, allowed: readonly string[], value: string | undefined): Text {
  return frag('cli.option.one-of', "{option} must be one of {allowed} (got '{value}')", { option, allowed: allowed.join(', '), value: String(value) });
}

/** Options of a subcommand, as `util.parseArgs` takes them. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Parses a subcommand's arguments (strict, positionals allowed); bad ones are a usage error. */
export function parseCommandLine<O extends OptionSpecs>(args: string[], options: O, usage: string | Text) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    // What is wrong with which option, in our words (Node's otherwise), then the usage in the user's locale.
    throw new UsageError(withUsage(optionProblem(args, options) ?? (e as Error).message, usage));
  }
}

/** The first argument parseArgs refuses, found from the option specs: an unknown option, a value missing or one not taken. */
function optionProblem(args: readonly string[], options: OptionSpecs): Text | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const spec = Object.prototype.hasOwnProperty.call(options, name) ? options[name] : undefined;
      const option = `--${name}`;
      if (!spec) return frag('cli.args.unknown-option', "Unknown option '{option}' (an argument that starts with '-' goes at the end, after '--')", { option });
      if (spec.type === 'boolean' && eq >= 0) return frag('cli.args.no-value', "option '{option}' takes no value", { option });
      if (spec.type === 'string' && eq < 0) {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('-')) return frag('cli.args.missing-value', "option '{option}' needs a value (one that starts with '-' is written {option}=-VALUE)", { option });
        i++;
      }
    } else if (a.startsWith('-') && a.length > 1) {
      const spec = Object.entries(options).find(([, o]) => o.short === a[1]);
      if (!spec) return frag('cli.args.unknown-option', "Unknown option '{option}' (an argument that starts with '-' goes at the end, after '--')", { option: a });
      if (spec[1].type === 'string' && a.length === 2) {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('-')) return frag('cli.args.missing-value', "option '{option}' needs a value (one that starts with '-' is written {option}=-VALUE)", { option: `--${spec[0]}` });
        i++;
      }
    }
  }
  return undefined;
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
  return english(fileProblemText(file, e));
}

/** fileProblem as a template (the reasons the file reader gives, in the user's locale where it gave a template). */
export function fileProblemText(file: string, e: unknown): Text {
  if (e instanceof FileAccessError) return frag('files.problem', '{file}: {reason}', { file, reason: e.reasonL10n ?? e.message.slice(e.file.length + 2) });
  return frag('files.problem', '{file}: {reason}', { file, reason: String((e as NodeJS.ErrnoException).code ?? (e as Error).message) });
}
