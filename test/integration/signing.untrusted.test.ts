// Restricted Mode (test/vscode/run.js --untrusted): the cosign commands refuse to spawn anything,
// even with a valid cosign configured in the user settings; generating a policy (no process) works.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GenerateAdmissionPolicyOutcome, GenerateKeyPairOutcome, SignImageOutcome, VerifyImageOutcome } from '../../src/extension/signing';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FAKE_COSIGN = path.join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-cosign');
const BY_DIGEST = 'localhost:5000/tcpconnect@sha256:7a91c50d922925f152fec96ed1d84b7bc6b2079c169d68826f6cf307f22d40e6';

describe('signing commands in Restricted Mode', function () {
  this.timeout(30_000);
  let toolLog: string;
  let workspace: string;

  before(async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this file must run in an untrusted workspace');
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'shipshape');
    assert.ok(extension, 'the Shipshape extension is loaded');
    await extension.activate();
    await vscode.workspace.getConfiguration('shipshape').update('cosign.path', FAKE_COSIGN, vscode.ConfigurationTarget.Global);
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    toolLog = path.join(os.tmpdir(), `shipshape-fake-cosign-untrusted-${process.pid}.jsonl`);
    process.env.FAKE_TOOL_LOG = toolLog;
    // A cosign that did run would get FAKE_TOOL_LOG (children get an allow-list) and log itself.
    process.env.SHIPSHAPE_PASS_ENV = 'FAKE_*';
  });

  after(async () => {
    delete process.env.FAKE_TOOL_LOG;
    delete process.env.SHIPSHAPE_PASS_ENV;
    fs.rmSync(toolLog, { force: true });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.getConfiguration('shipshape').update('cosign.path', undefined, vscode.ConfigurationTarget.Global);
  });

  it('does not sign', async () => {
    const outcome = await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', {
      reference: BY_DIGEST, keyPath: path.join(workspace, 'signing', 'cosign.key'), password: 'pw',
    });
    assert.strictEqual(outcome.ok === false && outcome.refusal, 'untrusted');
    assert.ok(!fs.existsSync(toolLog), 'cosign was not run');
  });

  it('does not sign keylessly in a terminal either', async () => {
    const terminalsBefore = vscode.window.terminals.length;
    const outcome = await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyless: true });
    assert.strictEqual(outcome.ok === false && outcome.refusal, 'untrusted');
    assert.strictEqual(vscode.window.terminals.length, terminalsBefore, 'no terminal was opened');
  });

  it('does not verify', async () => {
    const outcome = await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', {
      reference: BY_DIGEST, keyPath: path.join(workspace, 'signing', 'cosign.pub'),
    });
    assert.strictEqual(outcome.ok === false && outcome.refusal, 'untrusted');
    assert.ok(!fs.existsSync(toolLog), 'cosign was not run');
  });

  it('does not generate keys', async () => {
    const directory = path.join(workspace, 'untrusted-keys');
    fs.mkdirSync(directory, { recursive: true });
    try {
      const outcome = await vscode.commands.executeCommand<GenerateKeyPairOutcome>('shipshape.generateKeyPair', { directory, password: 'pw', addToGitignore: false });
      assert.strictEqual(outcome.ok === false && outcome.refusal, 'untrusted');
      assert.deepStrictEqual(fs.readdirSync(directory), [], 'no key was written');
      assert.ok(!fs.existsSync(toolLog), 'cosign was not run');
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('still generates an admission policy, which runs no process', async () => {
    const outcome = await vscode.commands.executeCommand<GenerateAdmissionPolicyOutcome>('shipshape.generateAdmissionPolicy', {
      engine: 'kyverno', publicKeyPath: path.join(workspace, 'signing', 'cosign.pub'), imagePattern: 'ghcr.io/acme/*',
    });
    assert.ok(outcome.ok, `the policy was generated: ${JSON.stringify(outcome)}`);
    assert.match(outcome.document.getText(), /kind: ClusterPolicy/);
    assert.ok(!fs.existsSync(toolLog), 'nothing was run');
  });
});
