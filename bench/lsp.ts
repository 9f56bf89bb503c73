/**
 * The language server's responsiveness (issue 15's budget): latency from `didOpen` of a small
 * Dockerfile to its diagnostics, alone and while a 7.5 MB lockfile-style YAML is being opened and
 * analysed in the same server; a hover and a keystroke-sized `didChange` on the small file while
 * the large one is analysed. Budget: the small file's diagnostics within 1 s while the large file
 * is analysed. Runs `node dist/server.js --stdio` (built by `npm run build`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ensureServerBuilt, LspClient } from '../test/unit/lsp-client';

export const SMALL_FILE_BUDGET_MS = 1000;
const LARGE_BYTES = 7.5 * 1024 * 1024;
const SMALL = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nUSER root\n';

/**
 * A pnpm-lock-style YAML of about `bytes` (one that names the `kind` package and mentions
 * `apiVersion` in a resolution, so the cheap pre-test lets it through to the full parse).
 */
export function makeLockfile(bytes: number): string {
  const parts = ["lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\npackages:\n\n  kind@0.1.0:\n    resolution: {integrity: sha512-apiVersion}\n\n"];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const entry = `  '@scope-${i % 97}/package-${i}@${i % 13}.${i % 7}.${i % 5}':\n    resolution: {integrity: sha512-${Buffer.from(`pkg${i}`.repeat(6)).toString('base64')}}\n    engines: {node: '>=18'}\n    dependencies:\n      dep-a-${i}: ${i % 3}.0.0\n      dep-b-${i}: ^${i % 9}.1.0\n\n`;
    parts.push(entry);
    size += entry.length;
  }
  return parts.join('');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface LspBenchResult {
  aloneMs: number[];
  whileLargeMs: number[];
  hoverWhileLargeMs: number;
  changeWhileLargeMs: number;
  largeMs: number;
  largeFindings: number;
  largeWasBusy: boolean;
}

export async function runLspBench(): Promise<LspBenchResult> {
  ensureServerBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lsp-bench-'));
  const client = new LspClient();
  try {
    await client.initialize(pathToFileURL(dir).href);
    const uri = (name: string) => pathToFileURL(path.join(dir, name)).href;
    const openSmall = async (name: string) => {
      const u = uri(name);
      const started = performance.now();
      const pub = client.waitForDiagnostics(u, 1, 30_000);
      await client.open(u, 'dockerfile', SMALL);
      await pub;
      return performance.now() - started;
    };
    // Warm-up: the first analysis loads the workers and the analysers.
    await openSmall('warm/Dockerfile');
    const aloneMs: number[] = [];
    for (let i = 0; i < 7; i++) aloneMs.push(await openSmall(`alone${i}/Dockerfile`));

    const large = makeLockfile(LARGE_BYTES);
    const whileLargeMs: number[] = [];
    let hoverWhileLargeMs = NaN;
    let changeWhileLargeMs = NaN;
    const largeUri = uri('pnpm-lock.yaml');
    const largeStarted = performance.now();
    const largeDone = client.waitForDiagnostics(largeUri, 1, 120_000).then((p) => ({ ms: performance.now() - largeStarted, findings: p.diagnostics.length }));
    let largeFinished = false;
    void largeDone.then(() => { largeFinished = true; });
    await client.open(largeUri, 'yaml', large);
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 5 && !largeFinished; i++) whileLargeMs.push(await openSmall(`busy${i}/Dockerfile`));
    if (!largeFinished) {
      const u = uri('busy0/Dockerfile');
      let t = performance.now();
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 2, character: 1 } });
      hoverWhileLargeMs = performance.now() - t;
      t = performance.now();
      const pub = client.waitForDiagnostics(u, 2, 30_000);
      await client.change(u, 2, SMALL.replace('USER root', 'USER 10001'));
      await pub;
      changeWhileLargeMs = performance.now() - t;
    }
    const largeWasBusy = !largeFinished;
    const done = await largeDone;
    return { aloneMs, whileLargeMs, hoverWhileLargeMs, changeWhileLargeMs, largeMs: done.ms, largeFindings: done.findings, largeWasBusy };
  } finally {
    await client.shutdown().catch(() => client.child.kill('SIGKILL'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printLspBench(r: LspBenchResult): boolean {
  const worst = Math.max(...r.whileLargeMs);
  const ok = r.largeWasBusy && r.whileLargeMs.length > 0 && worst <= SMALL_FILE_BUDGET_MS;
  console.log(`\nLanguage server: small Dockerfile didOpen → diagnostics, alone and while a ${(LARGE_BYTES / 1024 / 1024).toFixed(1)} MB lockfile-style YAML is analysed (budget ${SMALL_FILE_BUDGET_MS} ms)`);
  console.log('| measure | runs | median ms | max ms | within budget |');
  console.log('|---|---:|---:|---:|:-:|');
  console.log(`| small file alone | ${r.aloneMs.length} | ${median(r.aloneMs).toFixed(0)} | ${Math.max(...r.aloneMs).toFixed(0)} | |`);
  console.log(`| small file while the large one is analysed | ${r.whileLargeMs.length} | ${r.whileLargeMs.length ? median(r.whileLargeMs).toFixed(0) : '–'} | ${r.whileLargeMs.length ? worst.toFixed(0) : '–'} | ${ok ? 'yes' : 'NO'} |`);
  console.log(`| hover on the small file meanwhile | 1 | ${r.hoverWhileLargeMs.toFixed(0)} | | |`);
  console.log(`| didChange → diagnostics meanwhile (incl. ${200} ms debounce) | 1 | ${r.changeWhileLargeMs.toFixed(0)} | | |`);
  console.log(`| the large file itself (didOpen → diagnostics) | 1 | ${r.largeMs.toFixed(0)} | | ${r.largeFindings} findings |`);
  if (!r.largeWasBusy) console.log('(the large file finished before the small ones were measured: no contention measured)');
  return ok;
}

if (require.main === module) {
  runLspBench().then((r) => { if (!printLspBench(r)) process.exitCode = 1; }).catch((e) => { console.error(e); process.exitCode = 1; });
}
