/**
 * The one way Shipshape runs external tools (scanners, cosign, docker): an argument array and no
 * shell, a timeout and cancellation that kill the whole process group, capped output.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MAX_TOOL_OUTPUT_BYTES } from '../core/limits';
import { childEnvironment, ToolEnvProfile } from './env';
import { frag, LocalizedError, Text } from '../core/l10n/text';

export interface RunOptions {
  args: string[];
  /** Set for the child on purpose (e.g. COSIGN_PASSWORD for cosign), over the filtered base environment. */
  env?: NodeJS.ProcessEnv;
  /** The environment the child's is filtered from (default `process.env`). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Which allow-list filters `baseEnv` (env.ts); default `generic`. */
  envProfile?: ToolEnvProfile;
  cwd?: string;
  /** Clamped to MAX_TIMER_MS (Node fires a larger timeout at once). */
  timeoutMs?: number;
  /** Most stdout bytes kept before the run fails with OUTPUT_LIMIT. Default MAX_TOOL_OUTPUT_BYTES (128 MiB). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  stdin?: string;
  /** Each decoded stderr chunk as it arrives (progress, logs). */
  onStderr?(chunk: string): void;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr was longer than MAX_STDERR_BYTES: `stderr` is its tail, starting at a line boundary. */
  stderrTruncated?: boolean;
  durationMs: number;
}

export type ToolErrorCode = 'NOT_FOUND' | 'TIMEOUT' | 'CANCELLED' | 'OUTPUT_LIMIT' | 'SPAWN_FAILED';

/** The tool could not be run to completion. A non-zero exit is not a ToolError: it is a RunResult. */
export class ToolError extends LocalizedError {
  constructor(readonly code: ToolErrorCode, message: string | Text, readonly stderr?: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export const DEFAULT_MAX_OUTPUT_BYTES = MAX_TOOL_OUTPUT_BYTES;
/** The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** After SIGKILL, how long we wait for the group to vanish before settling anyway (a zombie nobody reaps). */
const GROUP_GONE_WAIT_MS = 2000;
const GROUP_POLL_MS = 100;
/** stderr is for error messages and logs; its tail is what explains a failure. */
export const MAX_STDERR_BYTES = 1024 * 1024;
/** Time between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

/** Whether any process of the group led by `pid` still runs (POSIX; false on Windows). */
function groupAlive(pid: number | undefined): boolean {
  if (!pid || process.platform === 'win32') return false;
  try {
    process.kill(-pid, 0);
  } catch {
    // ESRCH: gone. EPERM: it exists but is not ours to signal any more; nothing we can wait for.
    return false;
  }
  return process.platform === 'linux' ? runningMemberOnLinux(pid) : true;
}

/** A member of the process group that is not a zombie waiting for its new parent to reap it. */
function runningMemberOnLinux(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  if (process.platform === 'win32') {
    // No process groups on Windows: taskkill /T ends the tree. Best effort, never a shell.
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { shell: false, windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    } catch {
      // taskkill missing: nothing more we can do.
    }
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Keeps the last `max` bytes of a stream. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > this.max && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
      this.truncated = true;
    }
    if (this.size > this.max) {
      const only = this.chunks[0];
      this.chunks[0] = only.subarray(only.length - this.max);
      this.size = this.max;
      this.truncated = true;
    }
  }
  /**
   * The kept bytes as text. When the start was cut, the partial first line is dropped: it may
   * begin in the middle of a secret, which the redactor could then not recognise.
   */
  text(): string {
    const all = Buffer.concat(this.chunks);
    if (!this.truncated) return all.toString('utf8');
    const nl = all.indexOf(10);
    return nl < 0 ? '' : all.subarray(nl + 1).toString('utf8');
  }
}

/**
 * Runs `executable` with `opts.args` (never through a shell) in its own process group. Resolves
 * with the exit code, whatever it is; rejects with a ToolError when the tool is missing, cannot
 * start, times out, is cancelled or prints more than `maxOutputBytes`.
 */
export function runTool(executable: string, opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const maxOut = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise<RunResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new ToolError('CANCELLED', frag('tool.cancelled-before', '{tool} was cancelled before it started', { tool: executable })));
      return;
    }
    let child;
    try {
      child = spawn(executable, opts.args, {
        shell: false,
        // Its own process group, so a timeout or cancel can kill the tool and everything it started.
        detached: true,
        windowsHide: true,
        cwd: opts.cwd,
        // Only what this tool needs (env.ts): our secrets are not every child's business.
        env: childEnvironment(opts.envProfile ?? 'generic', opts.baseEnv ?? process.env, opts.env),
        stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      reject(new ToolError('SPAWN_FAILED', frag('tool.not-started', 'could not start {tool}: {reason}', { tool: executable, reason: e instanceof Error ? e.message : String(e) })));
      return;
    }
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    const stderr = new TailBuffer(MAX_STDERR_BYTES);
    const decoder = new StringDecoder('utf8');
    let settled = false;
    let failure: ToolError | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    const cleanup = (): void => {
      if (timeoutTimer) clearTimeout(timeoutTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      cleanup();
      fn();
    };
    let leaderExited = false;
    let groupGone = false;
    /** Settles a stopped run once the leader has exited and its whole group is gone (or could not be waited for). */
    const settleStopped = (): void => {
      if (failure && leaderExited && groupGone) finish(() => reject(failure));
    };
    /**
     * Stops the whole group: SIGTERM, then SIGKILL after the grace period, and settles only when
     * no process of the group is left, so a CLI that returns after a timeout leaves nothing running.
     */
    const stop = (error: ToolError): void => {
      if (failure || settled) return;
      failure = error;
      // What was read is of no use any more: let up to maxOutputBytes go while we wait for the group.
      stdoutChunks.length = 0;
      const pid = child.pid;
      killGroup(pid, 'SIGTERM');
      child.stdout?.destroy();
      child.stderr?.destroy();
      const started = Date.now();
      let killed = false;
      const poll = (): void => {
        const elapsed = Date.now() - started;
        if (!groupAlive(pid)) {
          groupGone = true;
          settleStopped();
          return;
        }
        if (!killed && elapsed >= KILL_GRACE_MS) {
          // A grandchild may ignore SIGTERM after the leader died.
          killGroup(pid, 'SIGKILL');
          killed = true;
        }
        if (killed && elapsed >= KILL_GRACE_MS + GROUP_GONE_WAIT_MS) {
          groupGone = true;
          settleStopped();
          return;
        }
        setTimeout(poll, GROUP_POLL_MS);
      };
      setTimeout(poll, GROUP_POLL_MS);
    };
    const onAbort = (): void => stop(new ToolError('CANCELLED', frag('tool.cancelled', '{tool} was cancelled', { tool: executable }), stderr.text()));

    if (opts.timeoutMs !== undefined && Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0) {
      const ms = Math.min(Math.round(opts.timeoutMs), MAX_TIMER_MS);
      timeoutTimer = setTimeout(() => stop(new ToolError('TIMEOUT', frag('tool.timeout', '{tool} did not finish within {seconds} s', { tool: executable, seconds: Math.round(ms / 1000 * 10) / 10 }), stderr.text())), ms);
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (b: Buffer) => {
      if (failure) return;
      stdoutBytes += b.length;
      if (stdoutBytes > maxOut) {
        stop(new ToolError('OUTPUT_LIMIT', frag('tool.output-limit', "{tool} printed more than {bytes} bytes ({mib} MiB) of output, Shipshape's limit; stopped it", { tool: executable, bytes: maxOut, mib: Math.round(maxOut / (1024 * 1024)) }), stderr.text()));
        return;
      }
      stdoutChunks.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      stderr.push(b);
      if (opts.onStderr) {
        const text = decoder.write(b);
        if (text) {
          try { opts.onStderr(text); } catch { /* a logging callback must not break the run */ }
        }
      }
    });
    if (opts.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => { /* the tool may exit without reading stdin */ });
      child.stdin.end(opts.stdin);
    }

    child.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code === 'ENOENT' ? 'NOT_FOUND' : 'SPAWN_FAILED';
      const what = code === 'NOT_FOUND' ? frag('tool.not-found', '{tool} was not found', { tool: executable }) : frag('tool.not-started', 'could not start {tool}: {reason}', { tool: executable, reason: e.message });
      killGroup(child.pid, 'SIGKILL');
      finish(() => reject(new ToolError(code, what)));
    });
    // After a kill, settle on exit (and the group gone): a stray process holding the pipes must not keep us waiting.
    child.on('exit', () => {
      leaderExited = true;
      settleStopped();
    });
    child.on('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      leaderExited = true;
      if (failure) {
        settleStopped();
        return;
      }
      let stdout: string;
      try {
        stdout = Buffer.concat(stdoutChunks, stdoutBytes).toString('utf8');
      } catch (e) {
        // ERR_STRING_TOO_LONG and friends: a limit raised above what a string can hold.
        finish(() => reject(new ToolError('OUTPUT_LIMIT', frag('tool.unreadable-output', '{tool} printed {bytes} bytes, more than can be read: {reason}', { tool: executable, bytes: stdoutBytes, reason: e instanceof Error ? e.message : String(e) }), stderr.text())));
        return;
      }
      finish(() => {
        if (opts.onStderr) {
          const rest = decoder.end();
          if (rest) {
            try { opts.onStderr(rest); } catch { /* ignore */ }
          }
        }
        resolve({
          exitCode,
          signal,
          stdout,
          stderr: stderr.text(),
          stderrTruncated: stderr.truncated,
          durationMs: Date.now() - started,
        });
      });
    });
  });
}

/**
 * The tail of stderr fit for an error message: trimmed, at most `max` characters, cut at a line
 * boundary when it can be (a cut inside a line could start inside a secret).
 */
export function stderrExcerpt(stderr: string, max = 2000): string {
  const t = stderr.trim();
  if (t.length <= max) return t;
  const tail = t.slice(t.length - max);
  const nl = tail.indexOf('\n');
  return `…${nl >= 0 && nl < tail.length - 1 ? tail.slice(nl + 1) : tail}`;
}
