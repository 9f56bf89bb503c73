/**
 * The analysis side of the language server: runs in a worker thread, so a large file's analysis
 * never blocks the protocol thread (typing, hovers, other documents). Receives plain data, returns
 * plain data; everything it calls is the pure core.
 */
import { parentPort } from 'worker_threads';
import { analyze, FileKind, Finding, ShipshapeConfig } from '../core';
import type { SkipKind as EngineSkipKind } from '../core/engine';
import { fixAll, minimalEdit } from '../core/fix';
import { Fix, TextEdit } from '../core/model';
import { brokenManifestFindings } from '../core/yamlProblems';
import { findImageReferences, ImageReference } from '../core/imageReferences';
import { analyzeAgainst, FactSource, textFacts } from './workspaceIndex';

export type WorkerJob =
  | { op: 'analyze'; text: string; kind: FileKind; config: ShipshapeConfig; chartTemplate: boolean; wasManifest: boolean; others?: readonly FactSource[]; source?: string }
  /** The facts a manifest states for the other files (the workspace index, workspaceIndex.ts). */
  | { op: 'facts'; text: string }
  | { op: 'fixAll'; text: string; kind: FileKind; config: ShipshapeConfig; budgetMs: number }
  | { op: 'multiStage'; text: string; config: ShipshapeConfig }
  /** The findings of a text again, with their fixes' edits (a large text's analysis sends them without). */
  | { op: 'fixes'; text: string; kind: FileKind; config: ShipshapeConfig; chartTemplate: boolean }
  /** Where the text names images (`FROM`, container `image:`): what a scan CodeLens needs. */
  | { op: 'imageReferences'; text: string; kind: FileKind };

export interface AnalyzeOutcome {
  findings: Finding[];
  skipped?: string;
  skipKind?: EngineSkipKind;
  notApplicable?: boolean;
  /** The text read as a Kubernetes manifest (so a later broken edit shows the YAML errors). */
  manifest: boolean;
  /** The findings' fixes carry no edits (a large text): a code action asks for them with a `fixes` job. */
  lazyFixes: boolean;
  errors: Array<{ ruleId: string; message: string }>;
  elapsedMs: number;
  /** The facts the text states for other files (the workspace index keeps them). */
  facts?: readonly string[];
  /** Analysed against other files' facts: whether any of its findings waits on facts (so other files can change them). */
  readsOthers?: boolean;
}

export type WorkerResult =
  | { op: 'analyze'; outcome: AnalyzeOutcome }
  | { op: 'facts'; facts: string[] }
  | { op: 'fixAll'; edit?: TextEdit; applied: number }
  | { op: 'multiStage'; fix?: Fix }
  | { op: 'fixes'; findings: Finding[] }
  | { op: 'imageReferences'; references: ImageReference[] };

/** Texts above this many characters get their findings without fix edits (computed on demand). */
export const EAGER_FIXES_MAX = 256 * 1024;

/**
 * A finding as plain data that can cross to the protocol thread. Fixes may compute their edits
 * lazily from the model (kubernetes/fixes.ts); `withEdits` forces them, else only the fixes'
 * descriptions travel.
 */
function plainFinding(f: Finding, withEdits: boolean): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message, range: f.range, references: [...f.references] };
  // The template of each message travels too: the protocol thread renders it in the client's locale.
  if (f.l10n) out.l10n = f.l10n;
  if (f.related?.length) out.related = f.related.map((r) => (r.l10n ? { range: r.range, message: r.message, l10n: r.l10n } : { range: r.range, message: r.message }));
  if (f.tags?.length) out.tags = [...f.tags];
  if (f.fixes?.length) {
    out.fixes = f.fixes.map((x) => ({
      title: x.title, ...(x.l10n ? { l10n: x.l10n } : {}), kind: x.kind, safe: x.safe,
      ...(x.preferred ? { preferred: true } : {}), ...(x.snippet ? { snippet: true } : {}),
      edits: withEdits ? x.edits.map((e) => ({ range: e.range, newText: e.newText })) : [],
    }));
  }
  return out;
}


/** Runs one job. Never throws (the core does not; anything else is reported as an error). */
export function runJob(job: WorkerJob): WorkerResult {
  switch (job.op) {
    case 'analyze': {
      const started = performance.now();
      // Settled against the other files' facts when the server has them (workspaceIndex.ts).
      const r: ReturnType<typeof analyze> & { readsOthers?: boolean } = job.others ? analyzeAgainst(job.text, job.kind, job.config, { chartTemplate: job.chartTemplate, source: job.source }, job.others) : analyze(job.text, job.kind, job.config, job.chartTemplate ? { chartTemplate: true } : undefined);
      let findings = r.findings;
      let notApplicable = r.notApplicable;
      if (r.notApplicable && job.kind === 'kubernetes' && job.wasManifest) {
        const broken = brokenManifestFindings(job.text, job.config);
        if (broken.length) { findings = broken; notApplicable = undefined; }
      }
      const manifest = job.kind === 'kubernetes' && !r.skipped && (!r.notApplicable || (job.wasManifest && !notApplicable));
      const eager = job.text.length <= EAGER_FIXES_MAX;
      findings = findings.map((f) => plainFinding(f, eager));
      return { op: 'analyze', outcome: { lazyFixes: !eager, findings, skipped: r.skipped, skipKind: r.skipKind, notApplicable, manifest, errors: r.errors, elapsedMs: performance.now() - started, ...(r.facts?.length ? { facts: [...r.facts] } : {}), ...(r.readsOthers !== undefined ? { readsOthers: r.readsOthers } : {}) } };
    }
    case 'fixAll': {
      const deadline = Date.now() + job.budgetMs;
      const { text, applied } = fixAll(job.text, job.kind, job.config, { shouldStop: () => Date.now() > deadline });
      return { op: 'fixAll', edit: applied.length ? minimalEdit(job.text, text) : undefined, applied: applied.length };
    }
    case 'fixes': {
      const r = analyze(job.text, job.kind, job.config, job.chartTemplate ? { chartTemplate: true } : undefined);
      return { op: 'fixes', findings: r.findings.map((f) => plainFinding(f, true)) };
    }
    case 'facts':
      return { op: 'facts', facts: textFacts(job.text) };
    case 'imageReferences':
      return { op: 'imageReferences', references: findImageReferences(job.text, job.kind).map((r) => ({ reference: r.reference, range: r.range, kind: r.kind, ...(r.kind === 'from' ? { finalStage: r.finalStage === true } : {}) })) };
    case 'multiStage': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { convertToMultiStage } = require('../core/dockerfile') as typeof import('../core/dockerfile');
      const fix = convertToMultiStage(job.text, job.config);
      return { op: 'multiStage', fix: fix && { title: fix.title, ...(fix.l10n ? { l10n: fix.l10n } : {}), kind: fix.kind, safe: fix.safe, edits: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } };
    }
  }
}

/** The worker thread's loop: one message in, one message out, tagged with the job id. */
export function runWorker(): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', (msg: { id: number; job: WorkerJob }) => {
    let reply: { id: number; result?: WorkerResult; error?: string };
    try {
      reply = { id: msg.id, result: runJob(msg.job) };
    } catch (e) {
      reply = { id: msg.id, error: e instanceof Error ? e.message : String(e) };
    }
    try {
      port.postMessage(reply);
    } catch (e) {
      // Something in a result that cannot cross threads is a bug of ours: say so rather than lose the worker.
      port.postMessage({ id: msg.id, error: `result not transferable: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  // The pool runs small jobs on its own thread until a worker says it is ready.
  port.postMessage({ ready: true });
}
