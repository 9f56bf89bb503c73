/**
 * The feature groups that activation does not load (#15: activation stays cheap). Each is a
 * bundle of its own under dist/lib/ (scripts/build.mjs), required synchronously on first need:
 * - images (dist/lib/images.js): scanning, signing, inspection, base-image comparison. Its views
 *   (the findings tree, CodeLens, status bar, scan diagnostics) belong on screen, so it loads
 *   soon after activation (once the first diagnostics are shown, or a second after the language
 *   server runs: extension.ts); a command or an API access before that loads it at once.
 * - tools (dist/lib/tools.js): Check Workspace, Generate CI Pipeline, the walkthrough buttons;
 *   loaded when one of them runs.
 * Activation registers a thin handler for every command package.json contributes that it does not
 * implement itself; the handler loads the command's group and calls the group's command.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import * as vscode from 'vscode';
import type { ShipshapeClient } from './client';
import { setBaseImageHoverSource } from './compare/hover';
import type { DiagnosticsManager } from './diagnostics';
import type { ImagesGroup } from './groups/images';
import type { ToolsGroup } from './groups/tools';

/** The tools group's commands; every other contributed command the activation does not implement belongs to the images group. */
export const TOOLS_COMMANDS: ReadonlySet<string> = new Set([
  'shipshape.analyzeWorkspace',
  'shipshape.generatePipeline',
  'shipshape.walkthrough.openSample',
  'shipshape.walkthrough.showFixes',
]);

export interface LazyGroupsDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  client: ShipshapeClient;
  diagnostics: DiagnosticsManager;
}

export class LazyGroups implements vscode.Disposable {
  private imagesGroup: ImagesGroup | undefined;
  private toolsGroup: ToolsGroup | undefined;
  private readonly stubbed = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(private readonly deps: LazyGroupsDeps) {}

  /** Registers a thin handler for each contributed command that `own` does not list. */
  registerCommandHandlers(contributed: readonly string[], own: ReadonlySet<string>): void {
    for (const id of contributed) {
      if (own.has(id) || this.stubbed.has(id)) continue;
      this.stubbed.add(id);
      this.disposables.push(vscode.commands.registerCommand(id, (...args: unknown[]) => this.execute(id, args)));
    }
  }

  /** Runs a group's command, loading the group first (nothing after deactivation). */
  execute(id: string, args: unknown[]): unknown {
    if (this.disposed) return undefined;
    const group = TOOLS_COMMANDS.has(id) ? this.tools() : this.images();
    const command = group.commands.get(id);
    // Only when package.json and the groups disagree (test/unit/extension-activation.test.ts checks they do not).
    if (!command) { this.deps.log.error(`no implementation of the command ${id} in its group`); return undefined; }
    return command.execute(...args);
  }

  /** Whether `id` has a thin handler and its group implements it (loads the group). */
  implements(id: string): boolean {
    return this.stubbed.has(id) && (TOOLS_COMMANDS.has(id) ? this.tools() : this.images()).commands.has(id);
  }

  get imagesLoaded(): boolean {
    return this.imagesGroup !== undefined;
  }

  get toolsLoaded(): boolean {
    return this.toolsGroup !== undefined;
  }

  images(): ImagesGroup {
    if (!this.imagesGroup) {
      this.assertLive();
      const started = performance.now();
      const { activateImages } = require('./groups/images') as typeof import('./groups/images');
      const { context, log, client } = this.deps;
      this.imagesGroup = activateImages({
        context, log,
        request: (method, params, token) => client.request(method, params, token),
        setBaseImageHoverSource,
        stubbed: this.stubbed,
      });
      log.info(`Shipshape loaded scanning, signing and inspection in ${(performance.now() - started).toFixed(1)} ms`);
    }
    return this.imagesGroup;
  }

  tools(): ToolsGroup {
    if (!this.toolsGroup) {
      this.assertLive();
      const started = performance.now();
      const { activateTools } = require('./groups/tools') as typeof import('./groups/tools');
      const { log, client, diagnostics } = this.deps;
      this.toolsGroup = activateTools({ client, log, diagnostics, stubbed: this.stubbed });
      log.info(`Shipshape loaded the workspace check, the CI pipeline and the walkthrough in ${(performance.now() - started).toFixed(1)} ms`);
    }
    return this.toolsGroup;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('Shipshape is not active');
  }

  dispose(): void {
    this.disposed = true;
    this.toolsGroup?.dispose();
    this.imagesGroup?.dispose();
    this.toolsGroup = undefined;
    this.imagesGroup = undefined;
    this.disposables.forEach((d) => d.dispose());
  }
}
