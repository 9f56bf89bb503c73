/**
 * A small pool of analysis worker threads.
 *
 * Why workers and not slices on the protocol thread: one `analyze` call is synchronous and a
 * 7.5 MB YAML takes seconds in it; it cannot be cut into slices without changing the core. In a
 * worker it runs beside the protocol thread, which keeps answering (typing, hovers, other files).
 *
 * Scheduling: a "large" job (a text over LARGE_TEXT) may occupy at most `size - 1` workers, so one
 * worker is always free for small files: a large file never delays a small one. Each job has a
 * time budget; a worker over it is terminated (and replaced on demand), the job answers `timedOut`.
 * A cancelled job still queued is dropped; a cancelled large job that is running terminates its
 * worker (its result would be thrown away and it may hold the worker for seconds).
 *
 * Start-up: until the first worker has loaded (a few hundred ms on a busy machine), a small job
 * runs on the calling thread instead of waiting, so the first diagnostic after a cold start is
 * not held up by the workers' own start.
 */
import { Worker } from 'worker_threads';
import type { WorkerJob, WorkerResult } from './worker';

/** Texts above this many characters are "large" for scheduling. */
export const LARGE_TEXT = 256 * 1024;

export const WORKER_MARK = 'shipshape-analysis-worker';

export type PoolOutcome = { result: WorkerResult } | { cancelled: true } | { timedOut: true } | { error: string };

export interface PoolTask {
  readonly promise: Promise<PoolOutcome>;
  cancel(): void;
}

interface Pending {
  id: number;
  job: WorkerJob;
  large: boolean;
  budgetMs: number;
  resolve(o: PoolOutcome): void;
  slot?: Slot;
  timer?: ReturnType<typeof setTimeout>;
  done?: boolean;
}

interface Slot { worker?: Worker; task?: Pending; ready?: boolean }

/** Texts up to this many characters run on the calling thread while no worker has started yet. */
export const INLINE_TEXT = 64 * 1024;

export class AnalysisPool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private disposed = false;

  /** `inline` runs a job on this thread (the workers' own job runner), for small jobs while no worker is ready. */
  constructor(private readonly script: string, readonly size: number, private readonly log: (msg: string) => void = () => undefined, private readonly inline?: (job: WorkerJob) => WorkerResult) {
    this.slots = Array.from({ length: Math.max(2, size) }, () => ({}));
  }

  submit(job: WorkerJob, budgetMs: number): PoolTask {
    let pending!: Pending;
    const promise = new Promise<PoolOutcome>((resolve) => {
      pending = { id: this.nextId++, job, large: job.text.length > LARGE_TEXT, budgetMs, resolve };
    });
    if (this.disposed) pending.resolve({ cancelled: true });
    else if (this.inline && job.text.length <= INLINE_TEXT && !this.slots.some((s) => s.ready)) this.runInline(pending);
    else { this.queue.push(pending); this.dispatch(); }
    return { promise, cancel: () => this.cancel(pending) };
  }

  private runInline(p: Pending): void {
    const run = this.inline!;
    setImmediate(() => {
      if (p.done) return;
      let outcome: PoolOutcome;
      try { outcome = { result: run(p.job) }; } catch (e) { outcome = { error: e instanceof Error ? e.message : String(e) }; }
      this.finish(p, outcome);
    });
  }

  /** Starts every worker now (or the first `count`), so the spare one is ready when a large file holds the others (a start costs ~100 ms+). */
  warm(count = this.slots.length): void {
    if (this.disposed) return;
    for (const s of this.slots.slice(0, count)) if (!s.worker) this.spawn(s);
  }

  /** Jobs queued or running (for tests and logs). */
  get busy(): number {
    return this.queue.length + this.slots.filter((s) => s.task).length;
  }

  private cancel(p: Pending): void {
    if (p.done) return;
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    else if (p.slot && p.large) this.kill(p.slot);
    this.finish(p, { cancelled: true });
  }

  private finish(p: Pending, outcome: PoolOutcome): void {
    if (p.done) return;
    p.done = true;
    if (p.timer) clearTimeout(p.timer);
    if (p.slot && p.slot.task === p) p.slot.task = undefined;
    p.slot = undefined;
    p.resolve(outcome);
    // Let the next job start after the current turn (a resolved promise may queue another job).
    setImmediate(() => this.dispatch());
  }

  private dispatch(): void {
    if (this.disposed) return;
    for (;;) {
      const idle = this.slots.find((s) => !s.task);
      if (!idle) return;
      const largeRunning = this.slots.filter((s) => s.task?.large).length;
      const index = this.queue.findIndex((p) => !p.large || largeRunning < this.slots.length - 1);
      if (index < 0) return;
      const [p] = this.queue.splice(index, 1);
      this.start(idle, p);
    }
  }

  private start(slot: Slot, p: Pending): void {
    const worker = slot.worker ?? this.spawn(slot);
    slot.task = p;
    p.slot = slot;
    p.timer = setTimeout(() => {
      this.log(`analysis stopped after ${p.budgetMs} ms (time budget)`);
      this.kill(slot);
      this.finish(p, { timedOut: true });
    }, p.budgetMs);
    worker.postMessage({ id: p.id, job: p.job });
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(this.script, { workerData: WORKER_MARK });
    worker.unref();
    worker.on('message', (msg: { id?: number; ready?: true; result?: WorkerResult; error?: string }) => {
      if (msg.ready) { slot.ready = true; return; }
      const p = slot.task;
      if (!p || p.id !== msg.id) return;
      this.finish(p, msg.result ? { result: msg.result } : { error: msg.error ?? 'no result' });
    });
    const lost = (why: string) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.ready = false;
      const p = slot.task;
      if (p) { this.log(`analysis worker ${why}`); this.finish(p, { error: `analysis worker ${why}` }); }
    };
    worker.on('error', (e) => lost(`failed: ${e.message}`));
    worker.on('exit', (code) => lost(`exited (${code})`));
    slot.worker = worker;
    return worker;
  }

  private kill(slot: Slot): void {
    const w = slot.worker;
    slot.worker = undefined;
    slot.ready = false;
    if (w) void w.terminate();
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) this.finish(p, { cancelled: true });
    for (const s of this.slots) { if (s.task) this.finish(s.task, { cancelled: true }); this.kill(s); }
  }
}
