/** Helpers for tests that run the fake scanners in test/fixtures/bin through an isolated PATH. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const FAKE_BIN = path.resolve(__dirname, '../../../test/fixtures/bin');
export const SCANNER_FIXTURES = path.resolve(__dirname, '../../../test/fixtures/scanners');

export interface FakeWorld {
  dir: string;
  /** A PATH holding only `node` and the chosen fakes: a real scanner on this machine is never found. */
  pathVar: string;
  log: string;
  env: NodeJS.ProcessEnv;
  /** Each recorded invocation: which fake and its argv. */
  calls(): Array<{ tool: string; argv: string[] }>;
  /** Each recorded invocation with what else the fake logged: its variables' names, its cwd, the text of its `--config` file. */
  entries(): FakeCall[];
  dispose(): void;
}

/** One line of FAKE_TOOL_LOG. */
export interface FakeCall { tool: string; argv: string[]; envKeys?: string[]; cwd?: string; configText?: string; ignoreText?: string }

/** The lines a FAKE_TOOL_LOG holds. */
export function readEntries(log: string): FakeCall[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeCall) : [];
}

/** A temporary directory with symlinks to the chosen fake tools and to node (for `#!/usr/bin/env node`). */
export function fakeWorld(tools: string[], extraEnv: NodeJS.ProcessEnv = {}): FakeWorld {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-scan-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const t of tools) fs.symlinkSync(path.join(FAKE_BIN, t), path.join(bin, t));
  const log = path.join(dir, 'calls.jsonl');
  return {
    dir,
    pathVar: bin,
    log,
    // Children get only an allow-list of variables; SHIPSHAPE_PASS_ENV lets the fakes' settings through.
    env: { PATH: bin, FAKE_TOOL_LOG: log, SHIPSHAPE_PASS_ENV: 'FAKE_*', ...extraEnv },
    calls: () => readEntries(log).map(({ tool, argv }) => ({ tool, argv })),
    entries: () => readEntries(log),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A scanner's argv without the `--config FILE` Shipshape adds (an empty configuration of its own
 * in a temporary folder, so the workspace's trivy.yaml / .grype.yaml is not read), and that file.
 */
export function splitOurConfig(argv: string[]): { argv: string[]; config?: string } {
  const i = argv.indexOf('--config');
  if (i < 0) return { argv };
  return { argv: [...argv.slice(0, i), ...argv.slice(i + 2)], config: argv[i + 1] };
}

/** The calls with our `--config FILE` taken out, after checking it was a temporary file that is gone now. */
export function callsWithoutOurConfig(world: FakeWorld): Array<{ tool: string; argv: string[] }> {
  return world.calls().map((c) => {
    const { argv, config } = splitOurConfig(c.argv);
    if (config !== undefined) {
      if (!/shipshape-scan-config-[^/\\]+[/\\](trivy|grype)\.yaml$/.test(config)) throw new Error(`unexpected --config ${config}`);
      if (fs.existsSync(config)) throw new Error(`${config} was left behind`);
    }
    return { tool: c.tool, argv };
  });
}
