/** A minimal LSP client for the protocol tests and the bench: spawns the server, speaks JSON-RPC over stdio. */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

/** Builds dist/server.js when it is missing or older than the compiled server. */
export function ensureServerBuilt(): void {
  const compiled = path.join(ROOT, 'out', 'src', 'server', 'server.js');
  const stale = !fs.existsSync(SERVER) || (fs.existsSync(compiled) && fs.statSync(compiled).mtimeMs > fs.statSync(SERVER).mtimeMs);
  if (!stale) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building dist/server.js failed: ${r.stderr}`);
}

export interface Published { uri: string; version?: number; diagnostics: any[] }

export class LspClient {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  /** Answers to workspace/configuration (per section), or undefined to answer null. */
  settings: Record<string, unknown> | undefined;
  private listeners: Array<(p: Published) => void> = [];
  stderr = '';

  constructor(args: string[] = [SERVER, '--stdio'], cwd = ROOT) {
    this.child = spawn(process.execPath, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      this.published.push(p);
      for (const l of this.listeners) l(p);
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => { this.logs.push(p.message); });
    this.connection.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map((i) => (this.settings && i.section ? this.settings[i.section] ?? null : null)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.listen();
  }

  async initialize(rootUri: string | null, capabilities: Record<string, unknown> = {}, folders?: string[], initializationOptions?: unknown): Promise<any> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      initializationOptions,
      rootUri,
      capabilities,
      workspaceFolders: folders ? folders.map((uri) => ({ uri, name: path.basename(uri) })) : rootUri ? [{ uri: rootUri, name: 'root' }] : null,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The next publishDiagnostics for a uri (matching `version` when given), or a clear error after `ms`. */
  waitForDiagnostics(uri: string, version?: number, ms = 10_000): Promise<Published> {
    const have = [...this.published].reverse().find((p) => p.uri === uri && (version === undefined || p.version === version));
    if (have && version !== undefined) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`no diagnostics for ${uri}${version !== undefined ? ` version ${version}` : ''} within ${ms} ms; stderr: ${this.stderr}`));
      }, ms);
      const listener = (p: Published) => {
        if (p.uri !== uri || (version !== undefined && p.version !== version)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(p);
      };
      this.listeners.push(listener);
    });
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      this.child.once('exit', (code) => resolve(code));
    });
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch { /* the server may be gone */ }
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
    const code = await Promise.race([exited, timeout]);
    this.connection.dispose();
    if (code === 'timeout') { this.child.kill('SIGKILL'); throw new Error('the server did not exit within 5 s of exit'); }
    return code;
  }
}

/** Ends a test's server: shutdown and exit, or SIGKILL when it does not answer (nothing when it is gone). */
export async function stopClient(client: LspClient | undefined): Promise<void> {
  if (!client || client.child.exitCode !== null) return;
  try { await client.shutdown(); } catch { client.child.kill('SIGKILL'); }
}

/** Writes `text` to `name` under `dir` (its folders made) and returns the file's URI. */
export function writeFileUri(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return pathToFileURL(file).href;
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyLspEdits(text: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (p.line >= lineStarts.length ? text.length : Math.min(text.length, lineStarts[p.line] + p.character));
  const sorted = edits.map((e) => ({ s: offset(e.range.start), e: offset(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}
