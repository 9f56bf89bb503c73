/** One object per command behind a small interface, registered in one place. */
import * as vscode from 'vscode';

export interface Command {
  readonly id: string;
  execute(...args: any[]): unknown;
}

/**
 * Where a lazily loaded feature group's commands go instead of VS Code (see lazyGroups.ts): the
 * activation registered a thin handler for each of them, which calls the entry put here.
 */
export type CommandSink = Map<string, Command>;

let sink: CommandSink | undefined;

/** Routes the registrations of this bundle's CommandManagers into `to` (undefined: to VS Code again). */
export function routeCommands(to: CommandSink | undefined): void {
  sink = to;
}

export class CommandManager implements vscode.Disposable {
  private readonly registered = new Map<string, vscode.Disposable>();

  register<T extends Command>(command: T): T {
    this.registered.get(command.id)?.dispose();
    const into = sink;
    if (into) {
      into.set(command.id, command);
      this.registered.set(command.id, { dispose: () => { if (into.get(command.id) === command) into.delete(command.id); } });
    } else {
      this.registered.set(command.id, vscode.commands.registerCommand(command.id, command.execute, command));
    }
    return command;
  }

  dispose(): void {
    for (const d of this.registered.values()) d.dispose();
    this.registered.clear();
  }
}
