/**
 * Key passwords the user chose to remember, in VS Code's SecretStorage (the OS keychain), keyed
 * by the key file's path. SecretStorage cannot list its keys, so the paths (not the passwords)
 * are also kept in global state for "Forget Saved Key Passwords".
 */
import * as path from 'path';
import * as vscode from 'vscode';

const SECRET_PREFIX = 'shipshape.cosign.keyPassword:';
const INDEX_KEY = 'shipshape.cosign.savedKeyPasswords';

export class KeyPasswordStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
  ) {}

  /** The saved password of a key file, if the user asked to remember it. */
  async get(keyPath: string): Promise<string | undefined> {
    return this.secrets.get(secretKey(keyPath));
  }

  async save(keyPath: string, password: string): Promise<void> {
    await this.secrets.store(secretKey(keyPath), password);
    const index = new Set(this.savedKeyPaths());
    index.add(path.resolve(keyPath));
    await this.globalState.update(INDEX_KEY, [...index]);
  }

  async forget(keyPath: string): Promise<void> {
    await this.secrets.delete(secretKey(keyPath));
    await this.globalState.update(INDEX_KEY, this.savedKeyPaths().filter((p) => p !== path.resolve(keyPath)));
  }

  /** Forgets every saved password; resolves with how many there were. */
  async forgetAll(): Promise<number> {
    const paths = this.savedKeyPaths();
    for (const p of paths) await this.secrets.delete(secretKey(p));
    await this.globalState.update(INDEX_KEY, []);
    return paths.length;
  }

  savedKeyPaths(): string[] {
    const stored = this.globalState.get<unknown>(INDEX_KEY);
    return Array.isArray(stored) ? stored.filter((p): p is string => typeof p === 'string') : [];
  }
}

function secretKey(keyPath: string): string {
  return SECRET_PREFIX + path.resolve(keyPath);
}
