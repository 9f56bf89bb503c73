/**
 * The images group, bundled apart as dist/lib/images.js and loaded right after activation
 * returned (or on the first use of one of its commands, whichever comes first; see
 * ../lazyGroups.ts): image scanning (the findings tree, CodeLens, scan diagnostics, status bar),
 * cosign signing, image inspection and base-image comparison. Its commands go into the sink the
 * activation's thin handlers call; an id the activation registered no handler for (one that only
 * a tree item or a CodeLens runs) is registered with VS Code here. It registers no code-action
 * provider: VS Code cancels a code-action request when the providers change while it runs, and
 * this group loads as the first diagnostics are shown, when quick fixes are asked for (activation
 * registers the base-image comparison's provider, which asks this group once it is loaded).
 */
import * as vscode from 'vscode';
import { Command, CommandSink, routeCommands } from '../commands';
import { CompareSupport, registerCompareSupport } from '../compare';
import type { setBaseImageHoverSource } from '../compare/hover';
import { registerInspectSupport } from '../inspect';
import { registerScanSupport, ScanSupport } from '../scan';
import { setImageReferenceSource } from '../scan/imageReferenceIndex';
import { registerSigningSupport, SigningSupport } from '../signing';

export type ServerRequest = <R>(method: string, params: unknown, token?: vscode.CancellationToken) => Promise<R | undefined>;

export interface ImagesDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  request: ServerRequest;
  /** The hover's setter (the hover is part of the activation bundle). */
  setBaseImageHoverSource: typeof setBaseImageHoverSource;
  /** Command ids the activation registered thin handlers for. */
  stubbed: ReadonlySet<string>;
}

export interface ImagesGroup extends vscode.Disposable {
  readonly scan: ScanSupport;
  readonly signing: SigningSupport;
  /** Its code actions are asked by the provider activation registered (this group registers no code-action provider). */
  readonly compare: CompareSupport;
  readonly commands: ReadonlyMap<string, Command>;
}

export function activateImages(deps: ImagesDeps): ImagesGroup {
  const { context, log, request } = deps;
  const sink: CommandSink = new Map();
  const disposables: vscode.Disposable[] = [];
  routeCommands(sink);
  try {
    setImageReferenceSource((method, params, token) => request(method, params, token));
    disposables.push({ dispose: () => setImageReferenceSource(undefined) });
    const signing = registerSigningSupport(context, { log });
    const scan = registerScanSupport(context, { log, signatures: signing.statuses });
    const compare = registerCompareSupport({ log, scan, request: (method, params, token) => request(method, params, token), setHoverSource: deps.setBaseImageHoverSource, registerCodeActions: false });
    disposables.push(
      signing,
      scan,
      registerInspectSupport(context, { log, tree: scan.tree, request: (method, params, token) => request(method, params, token) }),
      compare,
    );
    for (const id of sink.keys()) {
      if (!deps.stubbed.has(id)) disposables.push(vscode.commands.registerCommand(id, (...args: unknown[]) => sink.get(id)?.execute(...args)));
    }
    return { scan, signing, compare, commands: sink, dispose: () => { for (const d of disposables.reverse()) d.dispose(); } };
  } finally {
    routeCommands(undefined);
  }
}
