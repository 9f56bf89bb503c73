import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_STDERR_BYTES, runTool, ToolError } from '../../src/node/process';

const BIN = path.resolve(__dirname, '../../../test/fixtures/bin');
const FAKE = path.join(BIN, 'fake-tool');

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

async function rejection(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ToolError, `expected a ToolError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the run to fail');
}

describe('runTool', function () {
  this.timeout(15000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-proc-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('passes arguments as an array: shell metacharacters arrive verbatim', async () => {
    const args = ['$(id)', 'a b', ';rm -rf /', '*', '"quoted"', "it's", '--output=/etc/x'];
    const r = await runTool(FAKE, { args, env: { FAKE_TOOL_MODE: 'echo', FAKE_ECHO_NO_STDIN: '1' } });
    assert.deepStrictEqual(JSON.parse(r.stdout).argv, args);
  });

  it('records argv to FAKE_TOOL_LOG exactly as given', async () => {
    const log = path.join(dir, 'log.jsonl');
    await runTool(path.join(BIN, 'trivy'), { args: ['image', '--format', 'json', 'alpine:3.10'], env: { FAKE_TOOL_LOG: log } });
    const { tool, argv, envKeys } = JSON.parse(fs.readFileSync(log, 'utf8'));
    assert.deepStrictEqual({ tool, argv }, { tool: 'trivy', argv: ['image', '--format', 'json', 'alpine:3.10'] });
    assert.ok(envKeys.includes('FAKE_TOOL_LOG') && envKeys.includes('PATH'), 'what the caller set, and PATH from ours');
  });

  it('passes only an allow-list of our environment, plus what the caller sets', async () => {
    const saved = process.env.SHIPSHAPE_TEST_SECRET;
    process.env.SHIPSHAPE_TEST_SECRET = 'leak';
    try {
      const log = path.join(dir, 'log.jsonl');
      await runTool(path.join(BIN, 'trivy'), { args: [], env: { FAKE_TOOL_LOG: log } });
      const { envKeys } = JSON.parse(fs.readFileSync(log, 'utf8'));
      assert.ok(!envKeys.includes('SHIPSHAPE_TEST_SECRET'), envKeys.join(' '));
    } finally {
      if (saved === undefined) delete process.env.SHIPSHAPE_TEST_SECRET; else process.env.SHIPSHAPE_TEST_SECRET = saved;
    }
  });

  it('merges env over process.env and writes stdin', async () => {
    const r = await runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'echo', FAKE_ECHO_ENV: 'from-env' }, stdin: 'secret input' });
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.env, 'from-env');
    assert.strictEqual(out.stdin, 'secret input');
  });

  it('returns a non-zero exit as a result with stderr, not an error', async () => {
    const chunks: string[] = [];
    const r = await runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'echo', FAKE_TOOL_EXIT: '3', FAKE_ECHO_NO_STDIN: '1' }, onStderr: (c) => chunks.push(c) });
    assert.strictEqual(r.exitCode, 3);
    assert.strictEqual(r.signal, null);
    assert.strictEqual(r.stderr, 'echo: done\n');
    assert.strictEqual(chunks.join(''), 'echo: done\n');
    assert.ok(r.durationMs >= 0);
  });

  it('reports a missing executable as NOT_FOUND', async () => {
    const e = await rejection(runTool(path.join(dir, 'no-such-tool'), { args: [] }));
    assert.strictEqual(e.code, 'NOT_FOUND');
    assert.match(e.message, /no-such-tool was not found/);
  });

  it('kills the tool and its child process group on timeout', async () => {
    const pidfile = path.join(dir, 'pids.json');
    const started = Date.now();
    const e = await rejection(runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'sleep', FAKE_TOOL_PIDFILE: pidfile }, timeoutMs: 700 }));
    assert.strictEqual(e.code, 'TIMEOUT');
    assert.match(e.message, /did not finish within 0\.7 s/);
    assert.match(e.stderr ?? '', /scanning/);
    assert.ok(Date.now() - started < 5000);
    const { pid, grandchild } = JSON.parse(fs.readFileSync(pidfile, 'utf8'));
    assert.ok(await waitFor(() => !isAlive(pid) && !isAlive(grandchild), 3000), 'tool and grandchild are gone');
  });

  it('kills the tool and its child process group when the AbortSignal fires', async () => {
    const pidfile = path.join(dir, 'pids.json');
    const controller = new AbortController();
    const run = runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'sleep', FAKE_TOOL_PIDFILE: pidfile }, signal: controller.signal });
    assert.ok(await waitFor(() => fs.existsSync(pidfile) && fs.statSync(pidfile).size > 0, 5000), 'fake started');
    const { pid, grandchild } = JSON.parse(fs.readFileSync(pidfile, 'utf8'));
    assert.ok(isAlive(grandchild), 'grandchild runs before the cancel');
    controller.abort();
    const e = await rejection(run);
    assert.strictEqual(e.code, 'CANCELLED');
    assert.ok(await waitFor(() => !isAlive(pid) && !isAlive(grandchild), 3000), 'tool and grandchild are gone');
  });

  it('escalates to SIGKILL for a group that ignores SIGTERM', async () => {
    const pidfile = path.join(dir, 'pids.json');
    const e = await rejection(runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'stubborn', FAKE_TOOL_PIDFILE: pidfile }, timeoutMs: 500 }));
    assert.strictEqual(e.code, 'TIMEOUT');
    const { pid, grandchild } = JSON.parse(fs.readFileSync(pidfile, 'utf8'));
    assert.ok(await waitFor(() => !isAlive(pid) && !isAlive(grandchild), 6000), 'tool and grandchild are gone');
  });

  it('does not start at all when the signal is already aborted', async () => {
    const log = path.join(dir, 'log.jsonl');
    const controller = new AbortController();
    controller.abort();
    const e = await rejection(runTool(path.join(BIN, 'trivy'), { args: ['image'], env: { FAKE_TOOL_LOG: log }, signal: controller.signal }));
    assert.strictEqual(e.code, 'CANCELLED');
    assert.strictEqual(fs.existsSync(log), false);
  });

  it('keeps the tail of a very long stderr, where the reason for a failure is', async () => {
    const r = await runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'noisy', FAKE_TOOL_FLOOD_BYTES: String(3 * 1024 * 1024) } });
    assert.strictEqual(r.exitCode, 1);
    assert.ok(r.stderr.length <= MAX_STDERR_BYTES, `${r.stderr.length} bytes kept`);
    assert.ok(r.stderr.endsWith('FATAL: the real reason\n'));
  });

  it('stops with OUTPUT_LIMIT past the stdout cap, and keeps output under it', async () => {
    const e = await rejection(runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'flood', FAKE_TOOL_FLOOD_BYTES: String(3 * 1024 * 1024) }, maxOutputBytes: 1024 * 1024 }));
    assert.strictEqual(e.code, 'OUTPUT_LIMIT');
    assert.match(e.message, /more than 1048576 bytes/);
    const r = await runTool(FAKE, { args: [], env: { FAKE_TOOL_MODE: 'flood', FAKE_TOOL_FLOOD_BYTES: String(3 * 1024 * 1024) }, maxOutputBytes: 4 * 1024 * 1024 });
    assert.strictEqual(r.exitCode, 0);
    assert.strictEqual(r.stdout.length, 3 * 1024 * 1024);
  });
});
