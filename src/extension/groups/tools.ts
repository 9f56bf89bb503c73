/**
 * The tools group, bundled apart as dist/lib/tools.js and loaded on the first use of one of its
 * commands (see ../lazyGroups.ts): Check Workspace, Generate CI Pipeline and the walkthrough's
 * buttons.
 */
import * as vscode from 'vscode';
import { Command, CommandSink, routeCommands } from '../commands';
import { CommandManager } from '../commands';
import { GeneratePipelineCommand } from '../ciPipeline';
import type { DiagnosticsManager } from '../diagnostics';
import type { ShipshapeClient } from '../client';
import { OPEN_SAMPLE_COMMAND, openSample, SHOW_FIXES_COMMAND, showFixes } from '../walkthrough';
import { ANALYZE_WORKSPACE_COMMAND, WorkspaceChecker } from '../workspaceCheck';

export interface ToolsDeps {
  client: ShipshapeClient;
  log: vscode.LogOutputChannel;
  diagnostics: DiagnosticsManager;
  /** Command ids the activation registered thin handlers for. */
  stubbed: ReadonlySet<string>;
}

export interface ToolsGroup extends vscode.Disposable {
  readonly workspaceCheck: WorkspaceChecker;
  readonly commands: ReadonlyMap<string, Command>;
}

export function activateTools(deps: ToolsDeps): ToolsGroup {
  const { client, log, diagnostics } = deps;
  const sink: CommandSink = new Map();
  const disposables: vscode.Disposable[] = [];
  routeCommands(sink);
  try {
    const workspaceCheck = new WorkspaceChecker(client, log);
    const commands = new CommandManager();
    commands.register({ id: ANALYZE_WORKSPACE_COMMAND, execute: (options?: { quiet?: boolean }) => workspaceCheck.run({ location: 'notification', quiet: options?.quiet === true }) });
    commands.register({ id: OPEN_SAMPLE_COMMAND, execute: () => openSample() });
    commands.register({ id: SHOW_FIXES_COMMAND, execute: () => showFixes(diagnostics) });
    commands.register(new GeneratePipelineCommand(log));
    disposables.push(workspaceCheck, commands);
    for (const id of sink.keys()) {
      if (!deps.stubbed.has(id)) disposables.push(vscode.commands.registerCommand(id, (...args: unknown[]) => sink.get(id)?.execute(...args)));
    }
    return { workspaceCheck, commands: sink, dispose: () => { for (const d of disposables.reverse()) d.dispose(); } };
  } finally {
    routeCommands(undefined);
  }
}
