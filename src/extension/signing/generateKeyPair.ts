/**
 * "Generate Key Pair…": cosign generate-key-pair into a chosen folder, the password in the
 * child's environment. A private key written into a workspace folder is one `git add .` away
 * from being published, so when git would not ignore it we offer to add it to .gitignore.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { plainValue } from '../notificationText';
import { appendGitignoreEntry, generateKeyPairArgs, gitignoreEntryFor, GitignoreFile, isIgnoredByGitignore } from '../../core/signing';
import { MAX_CONFIG_BYTES } from '../../core/limits';
import { readFileInFolder, readRegularFile, writeFileInFolder } from '../../node/files';
import { gitIgnores } from '../../node/git';
import { Command } from '../commands';
import { CommandFailure, createRunner, ensureTrusted, reportFailure, withCancellableProgress } from './cosignTool';
import { displayCommand } from './inputs';

/** What `shipshape.generateKeyPair` accepts to skip its prompts. */
export interface GenerateKeyPairArguments {
  /** Folder to write cosign.key / cosign.pub into. */
  directory?: string;
  password?: string;
  /** Answer to "add the private key to .gitignore?" (asked when absent and it is needed). */
  addToGitignore?: boolean;
}

export type GenerateKeyPairOutcome =
  | {
    ok: true;
    privateKey?: string;
    publicKey?: string;
    /** The private key is inside a workspace folder. */
    inWorkspace: boolean;
    /** Whether git ignores the private key now (after any .gitignore change); undefined outside a workspace folder. */
    ignored?: boolean;
    addedToGitignore: boolean;
  }
  | CommandFailure;

const CANCELLED: CommandFailure = { ok: false, refusal: 'cancelled' };

export class GenerateKeyPairCommand implements Command {
  static readonly id = 'shipshape.generateKeyPair';
  readonly id = GenerateKeyPairCommand.id;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async execute(arg?: unknown): Promise<GenerateKeyPairOutcome> {
    const args: GenerateKeyPairArguments = arg && typeof arg === 'object' ? (arg as GenerateKeyPairArguments) : {};
    const what = vscode.l10n.t('Key pair generation');
    if (!ensureTrusted(this.log, 'Generate Key Pair')) return { ok: false, refusal: 'untrusted' };
    try {
      return await this.generate(args);
    } catch (e) {
      return reportFailure(this.log, what, e);
    }
  }

  private async generate(args: GenerateKeyPairArguments): Promise<GenerateKeyPairOutcome> {
    const title = vscode.l10n.t('Generate Key Pair');
    const directory = args.directory ?? (await pickFolder(title));
    if (!directory) return CANCELLED;
    const password = args.password ?? (await inputNewPassword(title));
    if (password === undefined) return CANCELLED;

    this.log.info(`Running ${displayCommand('cosign', generateKeyPairArgs())} in ${directory} (password in COSIGN_PASSWORD)`);
    const written = await withCancellableProgress(vscode.l10n.t('Generating a cosign key pair'), (signal) =>
      createRunner({ log: this.log, signal }).generateKeyPair({ directory, password }),
    );
    this.log.info(`Key pair written: ${[written.privateKey, written.publicKey].filter(Boolean).join(', ')}`);

    const outcome: GenerateKeyPairOutcome = { ok: true, privateKey: written.privateKey, publicKey: written.publicKey, inWorkspace: false, addedToGitignore: false };
    const folder = written.privateKey ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(written.privateKey)) : undefined;
    if (!written.privateKey || !folder) {
      void vscode.window.showInformationMessage(vscode.l10n.t('cosign key pair written to {0}.', plainValue(directory)));
      return outcome;
    }
    outcome.inWorkspace = true;
    const relative = path.relative(folder.uri.fsPath, written.privateKey).split(path.sep).join('/');
    outcome.ignored = await isGitIgnored(folder, relative, this.log);
    if (outcome.ignored) {
      void vscode.window.showInformationMessage(vscode.l10n.t('cosign key pair written to {0}; git ignores the private key.', plainValue(directory)));
      return outcome;
    }
    let add = args.addToGitignore;
    if (add === undefined) {
      const addChoice = vscode.l10n.t('Add to .gitignore');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('The private key {0} is inside the workspace and git does not ignore it: committing it would publish your signing key. Add it to .gitignore?', plainValue(relative)),
        addChoice,
      );
      add = choice === addChoice;
    }
    if (add) {
      await addToGitignore(folder, relative);
      this.log.info(`Added ${gitignoreEntryFor(relative)} to ${path.join(folder.uri.fsPath, '.gitignore')}`);
      outcome.addedToGitignore = true;
      outcome.ignored = await isGitIgnored(folder, relative, this.log);
    }
    return outcome;
  }
}

async function pickFolder(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Generate Keys Here'),
  });
  return picked?.[0]?.fsPath;
}

/** The new key's password, typed twice; undefined when the user backs out. */
async function inputNewPassword(title: string): Promise<string | undefined> {
  const first = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Password for the new private key (cosign encrypts cosign.key with it)'),
    password: true,
    ignoreFocusOut: true,
  });
  if (first === undefined) return undefined;
  const second = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Type the password again'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (text === first ? undefined : vscode.l10n.t('The passwords do not match')),
  });
  return second === first ? second : undefined;
}

/**
 * Whether git ignores a file of a workspace folder: `git check-ignore` when git is installed and
 * the folder is a repository, else our reading of the .gitignore files on the way to the file.
 */
async function isGitIgnored(folder: vscode.WorkspaceFolder, relative: string, log: vscode.LogOutputChannel): Promise<boolean> {
  // git with the repository's fsmonitor hook off (node/git.ts); our reading of .gitignore when it cannot answer.
  const answer = await gitIgnores(folder.uri.fsPath, relative);
  if (answer !== undefined) return answer;
  log.info('git check-ignore could not answer; reading the .gitignore files instead');
  const files: GitignoreFile[] = [];
  const segments = relative.split('/');
  for (let i = 0; i < segments.length; i++) {
    const directory = segments.slice(0, i).join('/');
    try {
      // A regular file only: a FIFO named .gitignore must not hang the extension host.
      files.push({ directory, text: await readRegularFile(vscode.Uri.joinPath(folder.uri, directory, '.gitignore').fsPath, MAX_CONFIG_BYTES) });
    } catch {
      // no .gitignore in this folder (or one we do not read)
    }
  }
  return isIgnoredByGitignore(files, relative);
}

/**
 * Appends the key to the folder's .gitignore: never through a symlink or a hard link (a
 * repository could point .gitignore at a file outside the workspace). A refusal throws, and the
 * command reports it.
 */
async function addToGitignore(folder: vscode.WorkspaceFolder, relative: string): Promise<void> {
  const text = await readFileInFolder(folder.uri.fsPath, '.gitignore', MAX_CONFIG_BYTES);
  await writeFileInFolder(folder.uri.fsPath, '.gitignore', appendGitignoreEntry(text, gitignoreEntryFor(relative)));
}
