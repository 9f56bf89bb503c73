/** Running `shipshape check` in-process over a folder of files written for the test. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CliIO } from '../../src/cli/io';

/** A finding as `check --format json` writes it (the fields the tests read). */
export interface JsonFinding { file: string; ruleId: string; line: number; column: number; endColumn: number; message: string }

/** The findings of `shipshape check . --format json --fail-on none` over `files` (name → text) in a new folder, removed after. */
export async function checkFolderJson(files: Record<string, string>): Promise<JsonFinding[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-folder-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    let stdout = '';
    const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: () => undefined, isTTY: false, env: {}, cwd: dir };
    await main(['check', '.', '--format', 'json', '--fail-on', 'none'], io);
    return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
