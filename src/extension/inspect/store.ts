/**
 * The images inspected in this window ("Shipshape: Inspect Image…"): their reports, the Dockerfile
 * each was mapped to, and per Dockerfile the last image reference inspected for it (remembered in
 * workspace state, for the CodeLens). Reports stay in memory: an image is re-read on demand.
 */
import * as vscode from 'vscode';
import type { ImageReport } from '../../core/inspect/types';

export interface Inspection {
  report: ImageReport;
  /** `image`: saved from docker/podman; `archive`: a file. */
  source: 'image' | 'archive';
  /** The Dockerfile the layers were mapped to. */
  dockerfile?: vscode.Uri;
  inspectedAt: string;
}

const LAST_REFERENCE_KEY = 'shipshape.inspect.lastReference';
/** Most images kept: each holds up to a few hundred findings. */
const MAX_INSPECTIONS = 20;

export class InspectionStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private list: Inspection[] = [];

  constructor(private readonly state: vscode.Memento) {}

  get inspections(): readonly Inspection[] {
    return this.list;
  }

  /** Adds an inspection, replacing an earlier one of the same image; the newest first. */
  add(inspection: Inspection): void {
    this.list = [inspection, ...this.list.filter((i) => i.report.image !== inspection.report.image)].slice(0, MAX_INSPECTIONS);
    this.emitter.fire();
  }

  remove(inspection: Inspection): void {
    this.list = this.list.filter((i) => i !== inspection);
    this.emitter.fire();
  }

  clear(): void {
    this.list = [];
    this.emitter.fire();
  }

  /** The image reference last inspected for a Dockerfile, if any. */
  lastReference(dockerfile: vscode.Uri): string | undefined {
    const all = this.state.get<Record<string, string>>(LAST_REFERENCE_KEY, {});
    const v = all?.[dockerfile.toString()];
    return typeof v === 'string' ? v : undefined;
  }

  async rememberReference(dockerfile: vscode.Uri, reference: string): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(LAST_REFERENCE_KEY, {}) };
    delete all[dockerfile.toString()];
    all[dockerfile.toString()] = reference;
    // A bounded map: the oldest entries go first.
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - 100))) delete all[k];
    await this.state.update(LAST_REFERENCE_KEY, all);
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
