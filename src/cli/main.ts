/** `shipshape` command line: the same engine the editor runs, for CI. */
import { CliCommand, CliIO, errorWords, EXIT, UsageError } from './io';
import { COMMANDS } from './commands';
import { forTerminalLines } from './sanitize';

import { VERSION } from './version';
import { Text, frag } from '../core/l10n/text';
import { localeFromEnv } from '../core/l10n';
import { Locale, say, sayWords, takeLocale } from './l10n';

/** The commands' one-line summaries as templates; a summary that no longer reads as written here stays as the command has it. */
const SUMMARIES: Readonly<Record<string, Text>> = {
  check: frag('cli.summary.check', 'report insecure settings in Dockerfiles and Kubernetes manifests'),
  fix: frag('cli.summary.fix', 'apply safe fixes (prints a diff, or writes with --write)'),
  scan: frag('cli.summary.scan', 'scan an image for vulnerabilities with Trivy, Grype, Docker Scout or Snyk'),
  inspect: frag('cli.summary.inspect', 'look inside a built image (archive or local image): layers, setuid files, secrets, wasted bytes'),
  sign: frag('cli.summary.sign', 'sign an image by digest with cosign'),
  verify: frag('cli.summary.verify', "verify an image's cosign signature"),
  policy: frag('cli.summary.policy', 'generate an admission policy that admits only signed images'),
  ci: frag('cli.summary.ci', 'generate a CI pipeline: check, build, scan, push, sign by digest'),
  lsp: frag('cli.summary.lsp', 'run the language server (--stdio) for editors other than VS Code'),
};

function summaryOf(c: CliCommand, locale: Locale): string {
  const t = Object.prototype.hasOwnProperty.call(SUMMARIES, c.name) ? SUMMARIES[c.name] : undefined;
  return t && t.en === c.summary ? say(locale, t) : c.summary;
}

/** An error's message in the locale: a UsageError given as a template is rendered in it, anything else says what it says. */
function errorText(e: unknown, locale: Locale): string {
  return sayWords(locale, errorWords(e));
}

function help(io: CliIO, locale: Locale): void {
  io.stdout(`shipshape ${VERSION}: ${say(locale, frag('cli.help.tagline', 'secure Dockerfiles and Kubernetes manifests'))}\n\n${say(locale, frag('cli.help.usage', 'Usage: shipshape <command> [options]'))}\n\n${say(locale, frag('cli.help.commands', 'Commands:'))}\n`);
  for (const c of COMMANDS) io.stdout(`  ${c.name.padEnd(8)} ${summaryOf(c, locale)}\n`);
  io.stdout(`\n${say(locale, frag('cli.help.more', "Run 'shipshape <command> --help' for a command's options."))}\n`);
  io.stdout(`${say(locale, frag('cli.help.lang', 'Messages are in the language of LC_ALL, LC_MESSAGES or LANG (en, zh-cn); --lang LOCALE chooses one.'))}\n`);
}

/** Runs the CLI with arguments (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let taken: { argv: string[]; locale: Locale };
  try {
    taken = takeLocale(argv, io.env);
  } catch (e) {
    io.stderr(`shipshape: ${errorText(e, localeFromEnv(io.env))}\n`);
    return EXIT.usage;
  }
  io = { ...io, locale: taken.locale };
  const [name, ...rest] = taken.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io, taken.locale);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command: CliCommand | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`shipshape: ${say(taken.locale, frag('cli.unknown-command', "unknown command '{name}'", { name: forTerminalLines(name) }))}\n`);
    help(io, taken.locale);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usageText ? say(taken.locale, command.usageText) : command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Messages may quote a report or a tool (a parse error shows the first bytes): no terminal controls.
    const msg = forTerminalLines(errorText(e, taken.locale));
    io.stderr(`shipshape ${name}: ${msg}\n`);
    if (!(e instanceof UsageError) && io.env.SHIPSHAPE_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return EXIT.usage;
  }
}

/** Runs the command line of this process with its standard streams (dist/cli.js, the loader, calls it). */
export function runCli(): void {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}

if (require.main === module) runCli();
