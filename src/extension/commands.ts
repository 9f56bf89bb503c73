/** One object per command behind a small interface, registered in one place. */
import * as vscode from 'vscode';

export interface Command {
  readonly id: string;
  execute(...args: any[]): unknown;
}

export class CommandManager implements vscode.Disposable {
  private readonly registered = new Map<string, vscode.Disposable>();

  register<T extends Command>(command: T): T {
    this.registered.get(command.id)?.dispose();
    this.registered.set(command.id, vscode.commands.registerCommand(command.id, command.execute, command));
    return command;
  }

  dispose(): void {
    for (const d of this.registered.values()) d.dispose();
    this.registered.clear();
  }
}
