import * as fs from 'fs';
import * as path from 'path';
import { CliCommand, CliIO, UsageError, withUsage } from '../io';
import { english, frag } from '../../core/l10n/text';
import { say } from '../l10n';

const USAGE_TEXT = frag('cli.usage.lsp', `Usage: shipshape lsp --stdio

Runs the Shipshape language server over standard input/output (for Neovim, Helix, Zed, Emacs,
JetBrains and any other LSP client). The same server as \`node dist/server.js --stdio\`.`);
const USAGE = english(USAGE_TEXT);

/** Where the server bundle sits: beside the CLI bundle (dist/), or compiled under out/src/server. */
export function serverScript(dir: string = __dirname): string | undefined {
  return [path.join(dir, 'server.js'), path.join(dir, '..', '..', 'server', 'server.js')].find((p) => fs.existsSync(p));
}

export const lspCommand: CliCommand = {
  name: 'lsp',
  summary: 'run the language server (--stdio) for editors other than VS Code',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    if (args.includes('--help') || args.includes('-h')) { io.stdout(`${say(io.locale ?? 'en', USAGE_TEXT)}\n`); return 0; }
    const unknown = args.filter((a) => a !== '--stdio');
    if (unknown.length || !args.includes('--stdio')) {
      const error = unknown.length
        ? frag('cli.lsp.stdio-unknown', '--stdio is required (the only transport); unknown: {args}', { args: unknown.join(' ') })
        : frag('cli.lsp.stdio', '--stdio is required (the only transport)');
      throw new UsageError(withUsage(error, USAGE_TEXT));
    }
    const script = serverScript();
    if (!script) throw new UsageError(frag('cli.lsp.no-server', 'the language server (server.js) is not installed beside the CLI'));
    // Loaded by path at run time, not bundled into the CLI: the server's file is also its workers' entry.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const server = require(script) as typeof import('../../server/server');
    const connection = server.startServer(undefined, { workerScript: script });
    // The process ends when the client sends exit (vscode-languageserver exits) or closes stdin.
    await new Promise<void>((resolve) => connection.onExit(() => resolve()));
    return 0;
  },
};
