/**
 * Shipshape's own additions to the Language Server Protocol: the names and shapes both sides use.
 * The server (src/server) and the VS Code client (src/extension/client.ts) import this file; it
 * is plain data, no `vscode`, no connection. Any other client may use them too; none needs them
 * (diagnostics, code actions and hover are standard LSP).
 */
import type { FileKind, Finding, Range, Severity } from '../core/model';

/** The `source` of every Shipshape diagnostic. */
export const DIAGNOSTIC_SOURCE = 'Shipshape';
/** The code action kind of "Fix all safe Shipshape problems" (`editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.shipshape';

/**
 * `initializationOptions` the server reads (every field optional; an editor that sends none gets
 * English, a trusted workspace, push or pull diagnostics by its capabilities).
 */
export interface InitializationOptions {
  /** Client settings used when the client does not answer `workspace/configuration` (the `shipshape` section's shape). */
  settings?: Record<string, unknown>;
  /** Per-file time budget of one analysis, in ms (default 30 s). */
  analysisBudgetMs?: number;
  /** The editor's display language (`vscode.env.language`, e.g. `en`, `zh-cn`): messages in it where the server has them. */
  locale?: string;
  /**
   * Whether the workspace is trusted (`vscode.workspace.isTrusted`). The server analyses in
   * either case; what runs a program (rendering a Helm chart or a Kustomize overlay) runs only
   * when the client said `true`. Absent (an editor with no notion of workspace trust): nothing is
   * run, since any cloned repository could otherwise make the server start the user's helm or
   * kubectl on its files; such an editor opts in with `trusted: true` in its initialization
   * options (README, "Other editors"). Trust granted later arrives as DID_CHANGE_SESSION_NOTIFICATION.
   */
  trusted?: boolean;
  /** Machine-scoped paths of the tools the server may run (only the user's own settings; absent: PATH). */
  tools?: ToolPaths;
  /** `push`: publish diagnostics even when the client could pull them (the VS Code client: one collection for open and workspace files). */
  diagnosticMode?: 'push' | 'pull';
  /** Send DOCUMENT_STATE_NOTIFICATION after each analysis (the VS Code client's language status). */
  documentState?: boolean;
  /**
   * The most entries of a quick-fix menu (default 12, ignore entries included). 0: every fix, in
   * rank order; the client trims (VS Code's client folds per-rule "for this file" entries into
   * one picker and adds "Show documentation", so it counts its own menu).
   */
  quickFixLimit?: number;
}

export interface ToolPaths {
  /** `shipshape.helm.path` */
  helm?: string;
  /** `shipshape.kustomize.path` */
  kustomize?: string;
}

/** Client → server notification: the session changed (trust granted, tool paths changed). Fields absent stay as they were. */
export const DID_CHANGE_SESSION_NOTIFICATION = 'shipshape/didChangeSession';
export interface DidChangeSessionParams { trusted?: boolean; tools?: ToolPaths }

/** Why a document has no findings although it was looked at. */
export type SkipKind = 'disabled' | 'excluded' | 'tooLarge' | 'binary' | 'notApplicable' | 'template' | 'limit' | 'timedOut' | 'failed';

/** What the last analysis of a document's version found, without the findings. */
export interface DocumentSummary {
  uri: string;
  version: number;
  kind: FileKind;
  /** Why it was not analysed, if it was not. */
  skipped?: SkipKind;
  /** The engine's words for a skip (size, binary, a Helm template…), for the log and a status item. */
  reason?: string;
  /**
   * A hint for the user about a skip that can be lifted, e.g. for a Helm chart template
   * "Helm template: not analysed — install helm / trust the workspace" (the renderer fills it).
   */
  hint?: string;
  problems: number;
  /** Findings of critical or high severity. */
  highProblems: number;
  /**
   * Identifies the diagnostics published with this state (diagnosticsFingerprint of their codes
   * and start positions), so a client that converts diagnostics asynchronously can tell when the
   * ones it shows are this state's.
   */
  fingerprint: string;
}

/** A short identity of a list of diagnostics: their codes and start positions, in any order. */
export function diagnosticsFingerprint(items: ReadonlyArray<{ code: string; line: number; character: number }>): string {
  const keys = items.map((d) => `${d.code}@${d.line}:${d.character}`).sort();
  let h = 0x811c9dc5;
  for (const k of keys) {
    for (let i = 0; i < k.length; i++) { h ^= k.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    h ^= 0x2c; h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${keys.length}:${h.toString(16)}`;
}

/** Server → client notification (when `initializationOptions.documentState`): a document's summary after each analysis. */
export const DOCUMENT_STATE_NOTIFICATION = 'shipshape/documentState';

/**
 * Client → server request: the full state of an open document's current version, waiting for its
 * analysis (`now`: without the typing pause). Answers null for a document the server does not
 * read or a version it no longer has.
 */
export const DOCUMENT_STATE_REQUEST = 'shipshape/documentStateFull';
export interface DocumentStateParams { textDocument: { uri: string; version?: number }; now?: boolean }
export interface DocumentState extends DocumentSummary {
  /** The findings, with their fixes (edits included unless the text is large; see `lazyFixes`). */
  findings: Finding[];
  lazyFixes?: boolean;
}

/**
 * Client → server request: the findings under a position, most severe first, each once, and the
 * range they share: what a hover shows, for a client that renders the hover itself (VS Code:
 * codicons, localized labels, a command link to the docs). `textDocument/hover` is the same in Markdown.
 */
export const FINDINGS_AT_REQUEST = 'shipshape/findingsAt';
export interface FindingsAtParams { textDocument: { uri: string }; position: { line: number; character: number } }
export interface FindingsAtResult {
  findings: Array<{ ruleId: string; severity: Severity; message: string; references: string[] }>;
  range: Range;
}

/** Client → server request: where a document names images (`{ textDocument: { uri } }` → ImageReferenceInfo[]). */
export const IMAGE_REFERENCES_REQUEST = 'shipshape/imageReferences';
export interface ImageReferenceInfo {
  /** As a scanner should receive it (ARGs resolved in a Dockerfile). */
  reference: string;
  range: Range;
  /** A Dockerfile `FROM` or a manifest container `image:`. */
  kind: 'from' | 'image';
  /** For a `FROM`: whether it starts the final stage (the image the Dockerfile builds on). */
  finalStage?: boolean;
}

/**
 * Client → server request: analyse files that are not open, read from disk by the server, and
 * publish their diagnostics ("Check Workspace"). The client finds the files (its excludes) and
 * sends them in batches (progress between batches; `$/cancelRequest` stops a batch). An open
 * document is not touched: its live analysis wins; when it closes, its disk result returns.
 * `forget`: withdraw the disk diagnostics of these files (gone, or no longer found).
 */
export const CHECK_FILES_REQUEST = 'shipshape/checkFiles';
export interface CheckFilesParams { uris: string[]; forget?: boolean }
export type CheckFileStatus = 'analysed' | 'open' | 'disabled' | 'excluded' | 'tooLarge' | 'unreadable' | 'notApplicable' | 'notChecked';
export interface CheckFilesResult { files: Array<{ uri: string; status: CheckFileStatus; problems: number }>; cancelled?: boolean }
/** Files larger than this are not read by a workspace check. */
export const CHECK_FILE_MAX_BYTES = 1024 * 1024;

/**
 * `data` of Shipshape's code actions: what an action is, so a client can retitle it in its own
 * language, fold entries, or apply a snippet (LSP text edits carry no snippets: a snippet fix's
 * edit has the placeholders' defaults, and `snippet` the snippet for a client that can insert it).
 */
export interface CodeActionData {
  shipshape: 'fix' | 'ignoreLine' | 'ignoreFile' | 'fixAll' | 'refactor';
  /** The rules the entry is about (ignore entries: the line's rules, most severe first). */
  rules?: string[];
  /** ignoreLine: the line (0-based) and whether the request covered several lines. */
  line?: number;
  several?: boolean;
  /** ignoreFile: the line's rules when several rules stack on it (a client may offer one picker). */
  stacked?: string[];
  /** A snippet fix with a single edit: where and what to insert as a snippet. */
  snippet?: { range: Range; text: string };
}
