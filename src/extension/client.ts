/**
 * The extension as the Shipshape language server's client. The server (dist/server.js, a Node
 * child over IPC) owns everything that reads a document: diagnostics, code actions, hover, image
 * references, workspace checks. This class starts it after activation returned and gives the
 * features one way to talk to it; the features' VS Code rendering (menus in the editor's words,
 * snippets, hovers with command links, language status) is client middleware in their modules.
 *
 * `vscode-languageclient` is a lazy bundle (dist/lib/languageclient.js) required when the client
 * starts, so activation does not pay for loading it.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, Middleware, ServerOptions } from 'vscode-languageclient/node';
import { DID_CHANGE_SESSION_NOTIFICATION, DidChangeSessionParams, InitializationOptions, ToolPaths } from '../server/protocol';
import { LANGUAGE_CLIENT_SELECTOR } from './documents';

export interface ClientFeatures {
  /** Middleware of each feature, merged (each feature sets its own hooks). */
  middleware: Middleware;
  /** Called with the client once it runs (notification handlers). */
  onStarted?: Array<(client: LanguageClient) => void>;
}

/** The user's own machine-scoped tool paths (`shipshape.helm.path`, `shipshape.kustomize.path`); workspace values are not honoured. */
export function toolPaths(): ToolPaths {
  const s = vscode.workspace.getConfiguration('shipshape');
  const own = (key: string) => {
    const v = s.inspect<string>(key)?.globalValue;
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const out: ToolPaths = {};
  const helm = own('helm.path');
  const kustomize = own('kustomize.path');
  if (helm) out.helm = helm;
  if (kustomize) out.kustomize = kustomize;
  return out;
}

export class ShipshapeClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private resolveReady!: (client: LanguageClient | undefined) => void;
  /** The running client, or undefined when it could not start (the log says why). */
  readonly ready: Promise<LanguageClient | undefined> = new Promise((resolve) => { this.resolveReady = resolve; });
  private startedAt = 0;
  private disposed = false;

  /** `compileCache`: a directory of the user's own where Node may keep the server's compiled code (a faster second start). */
  constructor(
    private readonly serverModule: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly features: ClientFeatures,
    private readonly compileCache?: string,
  ) {}

  /** Starts the server (call after activation returned). Resolves `ready`. */
  async start(): Promise<void> {
    if (this.client || this.disposed) return;
    this.startedAt = performance.now();
    this.lastStart = Date.now();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lc = require('vscode-languageclient/node') as typeof import('vscode-languageclient/node');
      // Node 22+ keeps compiled code there (the server, its workers); older versions ignore it.
      const env: Record<string, string> = {};
      if (this.compileCache) {
        try { fs.mkdirSync(this.compileCache, { recursive: true }); env.NODE_COMPILE_CACHE = this.compileCache; } catch { /* no cache */ }
      }
      const run = { module: this.serverModule, transport: lc.TransportKind.ipc, options: { env } };
      const serverOptions: ServerOptions = { run, debug: run };
      const initializationOptions = (): InitializationOptions => ({
        locale: vscode.env.language,
        trusted: vscode.workspace.isTrusted,
        tools: toolPaths(),
        diagnosticMode: 'push',
        documentState: true,
        quickFixLimit: 0,
      });
      const options: LanguageClientOptions = {
        documentSelector: LANGUAGE_CLIENT_SELECTOR,
        diagnosticCollectionName: 'shipshape',
        outputChannel: this.log,
        revealOutputChannelOn: lc.RevealOutputChannelOn.Never,
        initializationOptions,
        middleware: this.features.middleware,
      };
      const client = new lc.LanguageClient('shipshape', vscode.l10n.t('Shipshape'), serverOptions, options);
      this.client = client;
      await client.start();
      if (this.disposed) { await client.stop().catch(() => undefined); this.resolveReady(undefined); return; }
      for (const f of this.features.onStarted ?? []) f(client);
      const session = (params: DidChangeSessionParams) => { void client.sendNotification(DID_CHANGE_SESSION_NOTIFICATION, params).catch(() => undefined); };
      this.disposables.push(
        vscode.workspace.onDidGrantWorkspaceTrust(() => session({ trusted: true })),
        vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration('shipshape.helm.path') || e.affectsConfiguration('shipshape.kustomize.path')) session({ tools: toolPaths() });
        }),
      );
      this.log.info(`Shipshape language server started in ${(performance.now() - this.startedAt).toFixed(0)} ms`);
      this.resolveReady(client);
    } catch (e) {
      this.log.error(`the Shipshape language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      this.resolveReady(undefined);
    }
  }

  /** A request to the server once it runs; undefined when it is not running or the request failed (logged). */
  async request<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R | undefined> {
    const client = await this.ready;
    if (!client || !client.isRunning()) return undefined;
    try {
      // An absent token must not be passed: the JSON-RPC layer would send it as a second parameter.
      return await (token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params));
    } catch (e) {
      if (!token?.isCancellationRequested) this.log.warn(`${method} failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** Stops and starts the server again (a cold server: for tests, and after the server misbehaved). */
  async restart(): Promise<void> {
    const client = await this.ready;
    if (!client) return;
    await client.stop(2000).catch(() => undefined);
    this.lastStart = Date.now();
    await client.start();
  }

  /** When the server was last started (Date.now()), for the cold-start measurements. */
  lastStart = 0;

  /** The client, if it is running now (no waiting). */
  get current(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.disposables.forEach((d) => d.dispose());
  }

  /** Stops the server (deactivation waits for it). */
  async stop(): Promise<void> {
    this.dispose();
    const client = this.client;
    this.client = undefined;
    if (client) await client.stop(2000).catch(() => undefined);
  }
}
