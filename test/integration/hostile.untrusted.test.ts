// Restricted Mode and the hostile-input issue: every write needs a trusted workspace ("Ignore"
// would write .trivyignore into a repository you have not trusted), while reading a report
// still works.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ScanSupport, VulnNode } from '../../src/extension/scan';
import { workspaceRoot } from './helpers';
import { shipshapeApi } from './scanHelpers';

const TRIVY_REPORT = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'scanners', 'trivy', 'alpine-310.json.golden');

describe('hostile input in Restricted Mode', function () {
  this.timeout(30000);
  let scan: ScanSupport;
  before(async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this suite needs Restricted Mode');
    scan = (await shipshapeApi()).scan;
    await scan.store.clear();
  });
  after(async () => { await scan.store.clear(); });

  it('imports a report but writes no ignore file and exports nothing', async () => {
    const imported = await vscode.commands.executeCommand<{ status: string }>('shipshape.openScanReport', vscode.Uri.file(TRIVY_REPORT));
    assert.strictEqual(imported?.status, 'imported');
    const node = scan.tree.getChildren().flatMap((i) => scan.tree.getChildren(i)).flatMap((g) => scan.tree.getChildren(g))[0] as VulnNode;
    assert.strictEqual((await vscode.commands.executeCommand<{ status: string } | undefined>('shipshape.ignoreVulnerability', node))?.status, 'refused');
    for (const name of ['.trivyignore.yaml', '.trivyignore']) assert.strictEqual(fs.existsSync(path.join(workspaceRoot().fsPath, name)), false, `no ${name} was written`);
    const target = vscode.Uri.joinPath(workspaceRoot(), 'export.json');
    const exported = await vscode.commands.executeCommand<{ status: string }>('shipshape.exportScanResults', { format: 'json', uri: target });
    assert.strictEqual(exported?.status, 'refused');
    assert.strictEqual(fs.existsSync(target.fsPath), false);
  });
});
