// "Inspect Image…" and "Compare Base Images" in Restricted Mode (test/vscode/run.js --untrusted):
// both refuse with a message that says why, and nothing is spawned or read.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CompareOutcome, SwapOutcome } from '../../src/extension/compare';
import type { InspectOutcome } from '../../src/extension/inspect';
import { fixtureUri, withSetting } from './helpers';
import { FAKE_BIN, withEnv } from './scanHelpers';

describe('Inspect Image and Compare Base Images in an untrusted workspace', function () {
  this.timeout(30000);
  let tmp: string;
  let toolLog: string;
  const restore: Array<() => unknown> = [];

  before(async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this suite needs Restricted Mode');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-inspect-untrusted-'));
    toolLog = path.join(tmp, 'tools.log');
    restore.push(await withSetting('scan.trivyPath', path.join(FAKE_BIN, 'trivy')));
    restore.push(await withSetting('scan.dockerPath', path.join(FAKE_BIN, 'docker')));
    restore.push(withEnv({ FAKE_TOOL_LOG: toolLog, SHIPSHAPE_PASS_ENV: 'FAKE_*' }));
  });

  after(async () => {
    for (const r of restore.reverse()) await r();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Inspect Image refuses (an image or an archive) and runs nothing', async () => {
    for (const args of [{ reference: 'example/app:1' }, { archive: vscode.Uri.file(path.join(tmp, 'image.tar')) }]) {
      const outcome = await vscode.commands.executeCommand<InspectOutcome>('shipshape.inspectImage', args);
      assert.ok(outcome && outcome.status === 'refused', JSON.stringify(outcome));
      assert.match(outcome.message, /Restricted Mode/);
    }
    assert.ok(!fs.existsSync(toolLog), 'docker was not started');
  });

  it('Compare Base Images and the switch refuse, run no scanner, edit nothing', async () => {
    const dockerfile = fixtureUri('Dockerfile');
    const outcome = await vscode.commands.executeCommand<CompareOutcome>('shipshape.compareBaseImages', { uri: dockerfile, line: 1, character: 6, scanner: 'trivy' });
    assert.ok(outcome && outcome.status === 'refused', JSON.stringify(outcome));
    assert.match(outcome.message, /Restricted Mode/);
    const swap = await vscode.commands.executeCommand<SwapOutcome>('shipshape.swapBaseImage', { uri: dockerfile, stage: 0, from: 'x', to: 'debian:12-slim' });
    assert.strictEqual(swap?.status, 'refused');
    assert.ok(!fs.existsSync(toolLog), 'no scanner was started');
    await vscode.workspace.openTextDocument(dockerfile);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, new vscode.Range(1, 6, 1, 6));
    assert.ok(!actions.some((a) => a.command?.command === 'shipshape.compareBaseImages'), 'no Compare code action in Restricted Mode');
  });

  it('no Inspect image CodeLens; the FROM hover has no Compare link', async () => {
    const dockerfile = fixtureUri('Dockerfile');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dockerfile));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile);
    assert.ok(!lenses.some((l) => l.command?.command === 'shipshape.inspectImage'), lenses.map((l) => l.command?.title).join(', '));
    // The advice itself is offline and shows in Restricted Mode too (line 1 is `FROM node:latest`).
    let text = '';
    for (let i = 0; i < 200 && !text.includes('Smaller or hardened bases for `node:latest`'); i++) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dockerfile, new vscode.Position(1, 6));
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(text.includes('- `node:slim`: '), text);
    assert.ok(!text.includes('command:shipshape.compareBaseImages'), text);
  });
});
