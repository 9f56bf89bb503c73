/** `shipshape` command line: the same engine the editor runs, for CI. */
import { CliCommand, CliIO, EXIT, UsageError } from './io';
import { COMMANDS } from './commands';
import { forTerminalLines } from './sanitize';

import { VERSION } from './version';

function help(io: CliIO): void {
  io.stdout(`shipshape ${VERSION}: secure Dockerfiles and Kubernetes manifests\n\nUsage: shipshape <command> [options]\n\nCommands:\n`);
  for (const c of COMMANDS) io.stdout(`  ${c.name.padEnd(8)} ${c.summary}\n`);
  io.stdout(`\nRun 'shipshape <command> --help' for a command's options.\n`);
}

/** Runs the CLI with arguments (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command: CliCommand | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`shipshape: unknown command '${name}'\n`);
    help(io);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Messages may quote a report or a tool (a parse error shows the first bytes): no terminal controls.
    const msg = forTerminalLines(e instanceof Error ? e.message : String(e));
    io.stderr(`shipshape ${name}: ${msg}\n`);
    if (!(e instanceof UsageError) && io.env.SHIPSHAPE_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return EXIT.usage;
  }
}

if (require.main === module) {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
