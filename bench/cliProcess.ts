/**
 * The CLI's own cost, as a user pays it: `shipshape check --format json` on a 50,000-line
 * manifest, as a whole process (start-up, reading the file, analysis, building the findings and
 * their `fixable` flag, JSON output), side by side with a Node process that only reads the file
 * and parses it with `yaml` (parseOnly.ts). Budget: the CLI ≤ 1.2× that process.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeManifest } from './check';

export const CLI_BUDGET = 1.2;

const ROOT = path.resolve(__dirname, '..', '..');

export interface CliProcessRow {
  lines: number;
  /** Medians of wall time; `ratio` is the median of the rounds' ratios (a round: one run of each, back to back). */
  parseMs: number; cliMs: number; ratio: number;
  /** Medians of the processes' own CPU time (user + system), less distorted by other load. */
  parseCpuMs: number; cliCpuMs: number; cpuRatio: number;
  findings: number;
  /**
   * Where the rest goes: the same check with the rules that report on this file turned off (a
   * configuration file), so it parses, models and runs every other rule but builds, settles and
   * prints no finding. Medians of the rounds' ratios to the parse-only process, wall and CPU.
   */
  quietRatio: number; quietCpuRatio: number;
}

const CPU_REPORT = path.join(__dirname, 'cpuReport.js');

function runProcess(args: string[]): { ms: number; cpuMs: number; stdout: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', CPU_REPORT, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = /BENCH_CPU_MS=([\d.]+)/.exec(r.stderr);
  return { ms, cpuMs: cpu ? Number(cpu[1]) : NaN, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs both processes alternately and returns the medians. As in the in-process rows (check.ts),
 * the ratio is read per round, a run of each back to back, and its median taken: a change of load
 * on the machine (on this kind of virtual machine a whole process can take 20 % longer from one
 * minute to the next) then hits both runs of a round alike.
 */
export function runCliProcessBench(lines = 50000, runs = 15): CliProcessRow {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-bench-'));
  const file = path.join(dir, 'manifest.yaml');
  fs.writeFileSync(file, makeManifest(lines));
  const parseOnly = path.join(__dirname, 'parseOnly.js');
  const cliArgs = [cli, 'check', '--format', 'json', '--fail-on', 'none', file];
  const parse: Array<{ ms: number; cpuMs: number }> = [];
  const ours: Array<{ ms: number; cpuMs: number }> = [];
  const quiet: Array<{ ms: number; cpuMs: number }> = [];
  let findings = 0;
  try {
    // One warm-up of each: the file system cache, not the measurement.
    runProcess([parseOnly, file]);
    const first = JSON.parse(runProcess(cliArgs).stdout) as { findings: Array<{ ruleId: string }> };
    const quietConfig = path.join(dir, 'quiet.yaml');
    fs.writeFileSync(quietConfig, `rules:\n${[...new Set(first.findings.map((f) => f.ruleId))].map((id) => `  ${id}: off\n`).join('')}`);
    const quietArgs = [cli, 'check', '--format', 'json', '--fail-on', 'none', '--config', quietConfig, file];
    for (let i = 0; i < runs; i++) {
      parse.push(runProcess([parseOnly, file]));
      const r = runProcess(cliArgs);
      ours.push(r);
      findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
      const q = runProcess(quietArgs);
      if ((JSON.parse(q.stdout) as { findings: unknown[] }).findings.length !== 0) throw new Error('the quiet configuration left findings');
      quiet.push(q);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const parseMs = median(parse.map((x) => x.ms));
  const cliMs = median(ours.map((x) => x.ms));
  const parseCpuMs = median(parse.map((x) => x.cpuMs));
  const cliCpuMs = median(ours.map((x) => x.cpuMs));
  const ratio = median(ours.map((x, i) => x.ms / parse[i].ms));
  const cpuRatio = median(ours.map((x, i) => x.cpuMs / parse[i].cpuMs));
  const quietRatio = median(quiet.map((x, i) => x.ms / parse[i].ms));
  const quietCpuRatio = median(quiet.map((x, i) => x.cpuMs / parse[i].cpuMs));
  return { lines: makeManifest(lines).split('\n').length - 1, parseMs, cliMs, ratio, parseCpuMs, cliCpuMs, cpuRatio, findings, quietRatio, quietCpuRatio };
}

export function printCliProcessBench(row: CliProcessRow): void {
  console.log(`\nCLI process: shipshape check --format json vs node + yaml parse of the same file (medians; the ratio is the median of the rounds' ratios; budget ${CLI_BUDGET}×)`);
  console.log('| measure | lines | node + yaml parse ms | shipshape check ms | ratio | within budget | findings |');
  console.log('|---|---:|---:|---:|---:|:-:|---:|');
  console.log(`| wall time | ${row.lines} | ${row.parseMs.toFixed(0)} | ${row.cliMs.toFixed(0)} | ${row.ratio.toFixed(2)}× | ${row.ratio <= CLI_BUDGET ? 'yes' : 'NO'} | ${row.findings} |`);
  console.log(`| CPU time | ${row.lines} | ${row.parseCpuMs.toFixed(0)} | ${row.cliCpuMs.toFixed(0)} | ${row.cpuRatio.toFixed(2)}× | ${row.cpuRatio <= CLI_BUDGET ? 'yes' : 'NO'} | ${row.findings} |`);
  console.log(`Where the rest goes: with the rules that report on this file turned off (no finding built, settled or printed) the check costs ${row.quietRatio.toFixed(2)}× wall, ${row.quietCpuRatio.toFixed(2)}× CPU; the ${row.findings} findings cost the difference.`);
}

if (require.main === module) printCliProcessBench(runCliProcessBench());
