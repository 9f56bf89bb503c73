/**
 * The one way Shipshape runs external tools (scanners, cosign, docker): an argument array and no
 * shell, a timeout and cancellation that kill the whole process group, capped output.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface RunOptions {
  args: string[];
  /** Merged over `process.env`. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Most stdout bytes kept before the run fails with OUTPUT_LIMIT. Default 512 MB. */
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
  durationMs: number;
}

export type ToolErrorCode = 'NOT_FOUND' | 'TIMEOUT' | 'CANCELLED' | 'OUTPUT_LIMIT' | 'SPAWN_FAILED';

/** The tool could not be run to completion. A non-zero exit is not a ToolError: it is a RunResult. */
export class ToolError extends Error {
  constructor(readonly code: ToolErrorCode, message: string, readonly stderr?: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export const DEFAULT_MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
/** stderr is for error messages and logs; its tail is what explains a failure. */
export const MAX_STDERR_BYTES = 1024 * 1024;
/** Time between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

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
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
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
      reject(new ToolError('CANCELLED', `${executable} was cancelled before it started`));
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
        env: { ...process.env, ...opts.env },
        stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      reject(new ToolError('SPAWN_FAILED', `could not start ${executable}: ${e instanceof Error ? e.message : String(e)}`));
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
    /** Stops the whole group, then settles once the tool has exited. */
    const stop = (error: ToolError): void => {
      if (failure || settled) return;
      failure = error;
      killGroup(child.pid, 'SIGTERM');
      // Unconditional SIGKILL after the grace period: a grandchild may ignore SIGTERM after the leader died.
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const onAbort = (): void => stop(new ToolError('CANCELLED', `${executable} was cancelled`, stderr.text()));

    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      timeoutTimer = setTimeout(() => stop(new ToolError('TIMEOUT', `${executable} did not finish within ${Math.round(opts.timeoutMs! / 1000 * 10) / 10} s`, stderr.text())), opts.timeoutMs);
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (b: Buffer) => {
      if (failure) return;
      stdoutBytes += b.length;
      if (stdoutBytes > maxOut) {
        stop(new ToolError('OUTPUT_LIMIT', `${executable} printed more than ${maxOut} bytes of output; stopped it (raise the output limit if the report is really this large)`, stderr.text()));
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
      const what = code === 'NOT_FOUND' ? `${executable} was not found` : `could not start ${executable}: ${e.message}`;
      killGroup(child.pid, 'SIGKILL');
      finish(() => reject(new ToolError(code, what)));
    });
    // After a kill, settle on exit: a stray process holding the pipes must not keep us waiting.
    child.on('exit', () => {
      if (failure) finish(() => reject(failure));
    });
    child.on('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (failure) {
        finish(() => reject(failure));
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
          stdout: Buffer.concat(stdoutChunks, stdoutBytes).toString('utf8'),
          stderr: stderr.text(),
          durationMs: Date.now() - started,
        });
      });
    });
  });
}

/** The tail of stderr fit for an error message: trimmed, at most `max` characters. */
export function stderrExcerpt(stderr: string, max = 2000): string {
  const t = stderr.trim();
  return t.length > max ? `…${t.slice(t.length - max)}` : t;
}
