// The cosign commands in a real extension host, driven through their arguments (the prompts are
// skipped) with the fake cosign in test/fixtures/bin. The fake runs as a child of this very
// process (tests and extension share the extension host), so FAKE_* variables set on
// process.env here reach it; it appends its argv and whether COSIGN_PASSWORD was set to FAKE_TOOL_LOG.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ShipshapeApi } from '../../src/extension/extension';
import type {
  GenerateAdmissionPolicyOutcome, GenerateKeyPairOutcome, SignImageOutcome, VerifyImageOutcome,
} from '../../src/extension/signing';
import type { VerifyResult } from '../../src/core/signing';
import { SignatureStatusStore, signingCodeLensCommands } from '../../src/extension/signing';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FAKE_COSIGN = path.join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-cosign');
const FAKE_DOCKER = path.join(REPO_ROOT, 'test', 'fixtures', 'bin', 'docker');
const DIGEST = 'sha256:7a91c50d922925f152fec96ed1d84b7bc6b2079c169d68826f6cf307f22d40e6';
const BY_DIGEST = `localhost:5000/tcpconnect@${DIGEST}`;
const PASSWORD = 'correct-horse-battery-staple-7f3c';

interface FakeRun { tool: string; argv: string[]; cosignPasswordSet: boolean; cwd: string }

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri.fsPath;
}

function fakeRuns(logFile: string): FakeRun[] {
  if (!fs.existsSync(logFile)) return [];
  return fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeRun).filter((r) => r.tool === 'cosign');
}

async function setGlobal(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('shipshape').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Every log file the extension's output channel writes, as one text. */
function extensionLogText(api: ShipshapeApi): string {
  const dir = api.signing.logUri.fsPath;
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectOk<T extends { ok: boolean }>(outcome: T | undefined): Extract<T, { ok: true }> {
  assert.ok(outcome, 'the command returned an outcome');
  assert.strictEqual(outcome.ok, true, `the command failed: ${JSON.stringify(outcome)}`);
  return outcome as Extract<T, { ok: true }>;
}


/**
 * The command's outcome, or 'prompted' when it is still waiting after 8 s: it asked a question
 * (the quick pick or input box is then closed, so the command settles as cancelled).
 */
async function unlessPrompted<T>(pending: Thenable<T>): Promise<T | 'prompted'> {
  const outcome = await Promise.race([pending, new Promise<'prompted'>((resolve) => setTimeout(() => resolve('prompted'), 8000))]);
  if (outcome === 'prompted') await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  return outcome;
}

describe('signing commands (fake cosign)', function () {
  this.timeout(60_000);
  let api: ShipshapeApi;
  let toolLog: string;
  let keyPath: string;
  let publicKeyPath: string;

  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'shipshape');
    assert.ok(extension, 'the Shipshape extension is loaded');
    api = (await extension.activate()) as ShipshapeApi;
    assert.ok(fs.existsSync(FAKE_COSIGN), `${FAKE_COSIGN} exists`);
    await setGlobal('cosign.path', FAKE_COSIGN);
    await setGlobal('scan.dockerPath', FAKE_DOCKER);
    keyPath = path.join(workspaceRoot(), 'signing', 'cosign.key');
    publicKeyPath = path.join(workspaceRoot(), 'signing', 'cosign.pub');
  });

  after(async () => {
    await setGlobal('cosign.path', undefined);
    await setGlobal('scan.dockerPath', undefined);
    await vscode.commands.executeCommand('shipshape.forgetKeyPasswords');
  });

  beforeEach(() => {
    toolLog = path.join(os.tmpdir(), `shipshape-fake-cosign-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    process.env.FAKE_TOOL_LOG = toolLog;
    // Children get an allow-list of variables: let the fakes' FAKE_* settings through.
    process.env.SHIPSHAPE_PASS_ENV = 'FAKE_*';
  });

  afterEach(() => {
    delete process.env.FAKE_TOOL_LOG;
    delete process.env.SHIPSHAPE_PASS_ENV;
    delete process.env.FAKE_COSIGN_FAIL;
    delete process.env.FAKE_COSIGN_ECHO_PASSWORD;
    fs.rmSync(toolLog, { force: true });
  });

  describe('Sign Image', () => {
    it('signs the digest with the key file, the password only in COSIGN_PASSWORD', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', {
        reference: BY_DIGEST, keyPath, password: PASSWORD, annotations: ['commit=3f2a9c1'],
      }));
      assert.strictEqual(outcome.reference, BY_DIGEST);
      assert.strictEqual(outcome.pinnedToDigest, true);
      assert.strictEqual(outcome.pushedTo, 'localhost:5000/tcpconnect');
      assert.strictEqual(outcome.tlogIndex, 12086900);
      const runs = fakeRuns(toolLog);
      assert.strictEqual(runs.length, 1, 'cosign ran once');
      assert.deepStrictEqual(runs[0].argv, ['sign', '--key', keyPath, '-a', 'commit=3f2a9c1', '--yes', BY_DIGEST]);
      assert.strictEqual(runs[0].cosignPasswordSet, true);
      assert.ok(!runs[0].argv.some((a) => a.includes(PASSWORD)), 'the password is not on the command line');
    });

    it('passes --tlog-upload=false for private infrastructure', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', {
        reference: BY_DIGEST, keyPath, password: PASSWORD, tlogUpload: false,
      }));
      assert.strictEqual(outcome.tlogIndex, undefined);
      assert.deepStrictEqual(fakeRuns(toolLog)[0].argv, ['sign', '--key', keyPath, '--tlog-upload=false', '--yes', BY_DIGEST]);
    });

    it('signs with a KMS key without any password', async () => {
      expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, kmsUri: 'awskms:///alias/release' }));
      const [run] = fakeRuns(toolLog);
      assert.deepStrictEqual(run.argv, ['sign', '--key', 'awskms:///alias/release', '--yes', BY_DIGEST]);
      assert.strictEqual(run.cosignPasswordSet, false);
    });

    it('signs the tag only when told to, after docker could not pin it to a digest', async () => {
      const tag = 'localhost:5000/tcpconnect:1.0';
      const outcome = expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', {
        reference: tag, keyPath, password: PASSWORD, allowTag: true,
      }));
      assert.strictEqual(outcome.pinnedToDigest, false);
      assert.strictEqual(fakeRuns(toolLog)[0].argv.at(-1), tag);
    });

    it('warns before signing a tag that could not be pinned, and signs nothing without consent', async () => {
      // The test host refuses to show modal dialogs and rejects with the dialog's text: that
      // proves the warning was asked for, and a refused warning must not sign either.
      const outcome = await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', {
        reference: 'localhost:5000/tcpconnect:1.0', keyPath, password: PASSWORD,
      });
      assert.ok(outcome.ok === false, 'nothing was signed');
      assert.match(outcome.message ?? '', /Only the tag of localhost:5000\/tcpconnect:1\.0 is known, not its digest/);
      assert.deepStrictEqual(fakeRuns(toolLog), [], 'cosign did not run');
    });

    it('asks for the key password and runs nothing when the prompt is dismissed', async () => {
      await vscode.commands.executeCommand('shipshape.forgetKeyPasswords');
      let settled = false;
      const pending = Promise.resolve(vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyPath }))
        .finally(() => { settled = true; });
      // Dismiss the password box once it is up (closing before it opens would close nothing).
      while (!settled) {
        await new Promise((r) => setTimeout(r, 200));
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
      const outcome = await pending;
      assert.strictEqual(outcome.ok === false && outcome.refusal, 'cancelled');
      assert.deepStrictEqual(fakeRuns(toolLog), [], 'cosign did not run');
    });

    it('signs the image of a findings-tree node', async () => {
      const node = { kind: 'image', image: { report: { image: { reference: BY_DIGEST } } } };
      // The tree passes its node; key and password come from the prompts, given here directly.
      const outcome = expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { ...node, keyPath, password: PASSWORD }));
      assert.strictEqual(outcome.reference, BY_DIGEST);
      assert.strictEqual(fakeRuns(toolLog)[0].argv.at(-1), BY_DIGEST);
    });

    it('refuses an option-like reference before running anything', async () => {
      const outcome = await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', {
        reference: '--output-file=/tmp/x', keyPath, password: PASSWORD,
      });
      assert.strictEqual(outcome.ok, false);
      assert.strictEqual(outcome.ok === false && outcome.refusal, 'invalid-input');
      assert.deepStrictEqual(fakeRuns(toolLog), []);
    });

    it('reports a failed signature with cosign\'s error, and the password reaches neither the message nor the output channel', async () => {
      const secret = 'hunter2-Very-Secret-9d1e';
      process.env.FAKE_COSIGN_FAIL = 'sign';
      process.env.FAKE_COSIGN_ECHO_PASSWORD = '1';
      const outcome = await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyPath, password: secret });
      assert.ok(outcome.ok === false, 'signing failed');
      assert.strictEqual(outcome.refusal, 'failed');
      assert.match(outcome.message ?? '', /decryption failed/);
      assert.ok(!(outcome.message ?? '').includes(secret), 'the password is not in the error message');
      assert.strictEqual(fakeRuns(toolLog)[0].cosignPasswordSet, true);
      // The fake echoed the password on stderr; the log shows that line, redacted.
      const logged = await waitFor('the failure in the log file', () => {
        const text = extensionLogText(api);
        return text.includes('decryption failed') && text.includes('debug: using password') ? text : undefined;
      });
      assert.ok(!logged.includes(secret), 'the password is not in the output channel');
      assert.match(logged, /debug: using password \[REDACTED\]/);
    });

    it('remembers a key password when asked, signs with it next time, and forgets it on request', async () => {
      await vscode.commands.executeCommand('shipshape.forgetKeyPasswords');
      expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyPath, password: PASSWORD, rememberPassword: true }));
      expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyPath }));
      const runs = fakeRuns(toolLog);
      assert.strictEqual(runs.length, 2);
      assert.strictEqual(runs[1].cosignPasswordSet, true, 'the saved password was passed the second time');
      assert.strictEqual(await vscode.commands.executeCommand<number>('shipshape.forgetKeyPasswords'), 1);
      assert.strictEqual(await vscode.commands.executeCommand<number>('shipshape.forgetKeyPasswords'), 0);
    });

    it('runs keyless signing in a terminal that starts cosign itself with the argument array', async () => {
      const opened = new Promise<vscode.Terminal>((resolve) => {
        const sub = vscode.window.onDidOpenTerminal((t) => { sub.dispose(); resolve(t); });
      });
      const outcome = expectOk(await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyless: true }));
      assert.strictEqual(outcome.inTerminal, true);
      const terminal = await opened;
      const options = terminal.creationOptions as vscode.TerminalOptions;
      assert.strictEqual(options.shellPath, FAKE_COSIGN);
      assert.deepStrictEqual(options.shellArgs, ['sign', '--yes', BY_DIGEST]);
      terminal.dispose();
    });

    it('walks the key-mode and options pickers to keyless signing when driven through the UI', async () => {
      const pause = () => new Promise((r) => setTimeout(r, 600));
      const opened = new Promise<vscode.Terminal>((resolve) => {
        const sub = vscode.window.onDidOpenTerminal((t) => { sub.dispose(); resolve(t); });
      });
      const pending = vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST });
      await pause();
      // Key mode: key file, KMS, keyless: move to the third item and accept it.
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await pause();
      // Options: none ticked.
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const outcome = expectOk(await pending);
      assert.strictEqual(outcome.inTerminal, true);
      const terminal = await opened;
      assert.deepStrictEqual((terminal.creationOptions as vscode.TerminalOptions).shellArgs, ['sign', '--yes', BY_DIGEST]);
      terminal.dispose();
    });

    it('refuses a key file that is not a private key before asking for its password, running nothing', async () => {
      // No password argument: if the command asked for one, it would wait on the input box.
      const pending = vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyPath: publicKeyPath });
      const outcome = await unlessPrompted(pending);
      if (outcome === 'prompted') assert.fail('asked for a password before checking the key file');
      assert.strictEqual(outcome.ok === false && outcome.refusal, 'invalid-input');
      assert.deepStrictEqual(fakeRuns(toolLog), [], 'cosign was not run');
    });

    it('looks for cosign before asking anything', async () => {
      await setGlobal('cosign.path', path.join(os.tmpdir(), 'no-such-dir', 'cosign'));
      try {
        // No reference: with cosign present this would open the image picker.
        const pending = vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage');
        const outcome = await unlessPrompted(pending);
        if (outcome === 'prompted') assert.fail('asked a question before finding out that cosign is missing');
        assert.strictEqual(outcome.ok === false && outcome.refusal, 'cosign-missing');
      } finally {
        await setGlobal('cosign.path', FAKE_COSIGN);
      }
    });

    it('tells the user when cosign is missing instead of running anything', async () => {
      await setGlobal('cosign.path', path.join(os.tmpdir(), 'no-such-dir', 'cosign'));
      try {
        const outcome = await vscode.commands.executeCommand<SignImageOutcome>('shipshape.signImage', { reference: BY_DIGEST, keyPath, password: PASSWORD });
        assert.strictEqual(outcome.ok === false && outcome.refusal, 'cosign-missing');
      } finally {
        await setGlobal('cosign.path', FAKE_COSIGN);
      }
    });
  });

  describe('Verify Image Signature', () => {
    it('looks for cosign before asking anything', async () => {
      await setGlobal('cosign.path', path.join(os.tmpdir(), 'no-such-dir', 'cosign'));
      try {
        const pending = vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage');
        const outcome = await unlessPrompted(pending);
        if (outcome === 'prompted') assert.fail('asked a question before finding out that cosign is missing');
        assert.strictEqual(outcome.ok === false && outcome.refusal, 'cosign-missing');
      } finally {
        await setGlobal('cosign.path', FAKE_COSIGN);
      }
    });

    it('verifies with a public key and remembers the result for the image', async () => {
      const events: VerifyResult[] = [];
      const sub = api.signing.statuses.onDidVerify((r) => events.push(r));
      try {
        const outcome = expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', { reference: BY_DIGEST, keyPath: publicKeyPath }));
        assert.strictEqual(outcome.result.verified, true);
        assert.strictEqual(outcome.result.digest, DIGEST);
        assert.strictEqual(outcome.result.signatures[0].dockerReference, 'localhost:5000/tcpconnect');
        assert.deepStrictEqual(fakeRuns(toolLog)[0].argv, ['verify', '--key', publicKeyPath, '--output', 'json', BY_DIGEST]);
        assert.strictEqual(api.signing.statuses.get(BY_DIGEST)?.result.verified, true);
        assert.strictEqual(events.length, 1);
        assert.strictEqual(events[0].reference, BY_DIGEST);
      } finally {
        sub.dispose();
      }
    });

    it('shows who signed a keyless signature: identity and issuer', async () => {
      const reference = 'ghcr.io/stefanprodan/modules/podinfo:6.5.4';
      const identity = 'https://github.com/stefanprodan/podinfo/.github/workflows/release.yml@refs/tags/6.5.4';
      const issuer = 'https://token.actions.githubusercontent.com';
      const outcome = expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', { reference, identity, issuer }));
      assert.strictEqual(outcome.result.verified, true);
      assert.strictEqual(outcome.result.signatures[0].identity, identity);
      assert.strictEqual(outcome.result.signatures[0].issuer, issuer);
      assert.deepStrictEqual(fakeRuns(toolLog)[0].argv, ['verify', '--certificate-identity', identity, '--certificate-oidc-issuer', issuer, '--output', 'json', reference]);
      // The store answers for other spellings of the same image.
      assert.strictEqual(api.signing.statuses.get('ghcr.io/stefanprodan/modules/podinfo:6.5.4')?.result.signatures[0].identity, identity);
    });

    it('passes the regexp variants for keyless identities', async () => {
      const reference = 'ghcr.io/stefanprodan/modules/podinfo:6.5.4';
      expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', {
        reference, identityRegexp: '^https://github.com/stefanprodan/.*$', issuerRegexp: '^https://token\\.actions\\.githubusercontent\\.com$',
      }));
      assert.deepStrictEqual(fakeRuns(toolLog)[0].argv.slice(0, 5), ['verify', '--certificate-identity-regexp', '^https://github.com/stefanprodan/.*$', '--certificate-oidc-issuer-regexp', '^https://token\\.actions\\.githubusercontent\\.com$']);
    });

    it('skips the transparency log for signatures made without it', async () => {
      expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', { reference: BY_DIGEST, keyPath: publicKeyPath, insecureIgnoreTlog: true }));
      assert.deepStrictEqual(fakeRuns(toolLog)[0].argv, ['verify', '--key', publicKeyPath, '--insecure-ignore-tlog=true', '--output', 'json', BY_DIGEST]);
    });

    it('reports a signature that does not match, and remembers the ✗', async () => {
      process.env.FAKE_COSIGN_FAIL = '1';
      const reference = 'localhost:5000/unsigned:2.0';
      const outcome = expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', { reference, keyPath: publicKeyPath }));
      assert.strictEqual(outcome.result.verified, false);
      assert.strictEqual(outcome.result.failure, 'no-match');
      assert.match(outcome.result.reason ?? '', /no signature of localhost:5000\/unsigned:2.0 matches/);
      const status = api.signing.statuses.get(reference);
      assert.strictEqual(status?.result.verified, false);
    });

    it('reports an image without any signature', async () => {
      process.env.FAKE_COSIGN_FAIL = 'nosig';
      const outcome = expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', { reference: 'localhost:5000/never-signed:1', keyPath: publicKeyPath }));
      assert.strictEqual(outcome.result.verified, false);
      assert.strictEqual(outcome.result.failure, 'no-signatures');
    });

    it('ignores a cosign path set in the workspace settings', async () => {
      const settingsDir = path.join(workspaceRoot(), '.vscode');
      const settingsFile = path.join(settingsDir, 'settings.json');
      const hadSettings = fs.existsSync(settingsFile);
      const before = hadSettings ? fs.readFileSync(settingsFile, 'utf8') : undefined;
      const changed = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeConfiguration(() => { sub.dispose(); resolve(); });
        setTimeout(resolve, 3000);
      });
      fs.mkdirSync(settingsDir, { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'shipshape.cosign.path': path.join(workspaceRoot(), 'evil-cosign') }));
      try {
        await changed;
        expectOk(await vscode.commands.executeCommand<VerifyImageOutcome>('shipshape.verifyImage', { reference: BY_DIGEST, keyPath: publicKeyPath }));
        assert.strictEqual(fakeRuns(toolLog).length, 1, 'the fake cosign from the user setting ran');
      } finally {
        if (before === undefined) fs.rmSync(settingsFile, { force: true });
        else fs.writeFileSync(settingsFile, before);
      }
    });
  });

  describe('CodeLens commands for an image', () => {
    it('offers to sign and to verify the image, passing its reference', () => {
      const [sign, verify] = signingCodeLensCommands('nginx:1.25');
      assert.strictEqual(sign.command, 'shipshape.signImage');
      assert.strictEqual(verify.command, 'shipshape.verifyImage');
      assert.deepStrictEqual(sign.arguments, [{ reference: 'nginx:1.25' }]);
      assert.deepStrictEqual(verify.arguments, [{ reference: 'nginx:1.25' }]);
      assert.strictEqual(verify.title, 'Verify signature');
    });

    it('shows the last verification of the image on the verify lens', () => {
      const store = new SignatureStatusStore();
      try {
        store.record({ verified: true, reference: 'docker.io/library/nginx:1.25', signatures: [] });
        assert.match(signingCodeLensCommands('nginx:1.25', store)[1].title, /\$\(pass\) Signature verified/);
        store.record({ verified: false, reference: 'nginx:1.25', signatures: [], reason: 'nginx:1.25 has no signature' });
        const verify = signingCodeLensCommands('nginx:1.25', store)[1];
        assert.match(verify.title, /\$\(error\) Signature not verified/);
        assert.strictEqual(verify.tooltip, 'nginx:1.25 has no signature');
      } finally {
        store.dispose();
      }
    });
  });

  describe('Generate Key Pair', () => {
    let directory: string;
    let gitignore: string;
    let gitignoreBefore: string | undefined;

    beforeEach(() => {
      directory = path.join(workspaceRoot(), `keys-${Date.now()}`);
      fs.mkdirSync(directory);
      gitignore = path.join(workspaceRoot(), '.gitignore');
      gitignoreBefore = fs.existsSync(gitignore) ? fs.readFileSync(gitignore, 'utf8') : undefined;
    });

    afterEach(() => {
      fs.rmSync(directory, { recursive: true, force: true });
      if (gitignoreBefore === undefined) fs.rmSync(gitignore, { force: true });
      else fs.writeFileSync(gitignore, gitignoreBefore);
    });

    it('writes the key pair into the folder with the password in the environment, and git-ignores the private key', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<GenerateKeyPairOutcome>('shipshape.generateKeyPair', { directory, password: PASSWORD, addToGitignore: true }));
      const [run] = fakeRuns(toolLog);
      assert.deepStrictEqual(run.argv, ['generate-key-pair']);
      assert.strictEqual(run.cosignPasswordSet, true);
      assert.strictEqual(fs.realpathSync(run.cwd), fs.realpathSync(directory));
      assert.strictEqual(outcome.privateKey, path.join(directory, 'cosign.key'));
      assert.strictEqual(outcome.publicKey, path.join(directory, 'cosign.pub'));
      assert.ok(fs.existsSync(path.join(directory, 'cosign.key')));
      assert.strictEqual(outcome.inWorkspace, true);
      assert.strictEqual(outcome.addedToGitignore, true);
      assert.strictEqual(outcome.ignored, true);
      assert.ok(fs.readFileSync(gitignore, 'utf8').split('\n').includes(`/${path.basename(directory)}/cosign.key`));
    });

    it('leaves .gitignore alone when the private key is already ignored', async () => {
      fs.writeFileSync(gitignore, '*.key\n');
      const outcome = expectOk(await vscode.commands.executeCommand<GenerateKeyPairOutcome>('shipshape.generateKeyPair', { directory, password: PASSWORD, addToGitignore: true }));
      assert.strictEqual(outcome.ignored, true);
      assert.strictEqual(outcome.addedToGitignore, false);
      assert.strictEqual(fs.readFileSync(gitignore, 'utf8'), '*.key\n');
    });

    it('does not touch .gitignore when the user declines', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<GenerateKeyPairOutcome>('shipshape.generateKeyPair', { directory, password: PASSWORD, addToGitignore: false }));
      assert.strictEqual(outcome.ignored, false);
      assert.strictEqual(fs.existsSync(gitignore), gitignoreBefore !== undefined);
    });

    it('refuses to overwrite an existing key', async () => {
      fs.writeFileSync(path.join(directory, 'cosign.key'), 'existing');
      const outcome = await vscode.commands.executeCommand<GenerateKeyPairOutcome>('shipshape.generateKeyPair', { directory, password: PASSWORD, addToGitignore: false });
      assert.ok(outcome.ok === false);
      assert.match(outcome.message ?? '', /already exists/);
      assert.deepStrictEqual(fakeRuns(toolLog), [], 'cosign did not run');
      assert.strictEqual(fs.readFileSync(path.join(directory, 'cosign.key'), 'utf8'), 'existing');
    });
  });

  describe('Generate Admission Policy', () => {
    afterEach(async () => {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    async function assertNoShipshapeFindings(document: vscode.TextDocument): Promise<void> {
      await api.diagnostics.validateNow(document);
      const state = await api.diagnostics.stateOf(document);
      assert.ok(state, 'Shipshape analysed the policy');
      assert.strictEqual(state.kind, 'kubernetes');
      assert.strictEqual(state.skipped, undefined, 'the policy was analysed, not skipped');
      assert.deepStrictEqual(state.findings.map((f) => f.ruleId), []);
      assert.deepStrictEqual(vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Shipshape'), []);
    }

    it('opens a Kyverno ClusterPolicy with the public key in a new untitled YAML document that Shipshape finds clean', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<GenerateAdmissionPolicyOutcome>('shipshape.generateAdmissionPolicy', {
        engine: 'kyverno', publicKeyPath, imagePattern: 'ghcr.io/acme/*',
      }));
      const doc = outcome.document;
      assert.strictEqual(doc.isUntitled, true);
      assert.strictEqual(doc.languageId, 'yaml');
      const text = doc.getText();
      assert.match(text, /^kind: ClusterPolicy$/m);
      assert.match(text, /validationFailureAction: Enforce/);
      assert.match(text, /- ghcr\.io\/acme\/\*/);
      const keyBody = fs.readFileSync(publicKeyPath, 'utf8').split('\n')[1];
      assert.ok(text.includes(keyBody), 'the public key is in the policy');
      assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'the policy is shown');
      await assertNoShipshapeFindings(doc);
    });

    it('opens a policy-controller ClusterImagePolicy for a keyless identity', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<GenerateAdmissionPolicyOutcome>('shipshape.generateAdmissionPolicy', {
        engine: 'policy-controller', identity: 'release@acme.example', issuer: 'https://accounts.google.com', imagePattern: 'ghcr.io/acme/**',
      }));
      const text = outcome.document.getText();
      assert.match(text, /^kind: ClusterImagePolicy$/m);
      assert.match(text, /subject: release@acme\.example/);
      assert.match(text, /issuer: https:\/\/accounts\.google\.com/);
      await assertNoShipshapeFindings(outcome.document);
    });

    it('tells Kyverno not to look in the transparency log when the images are signed without it', async () => {
      const outcome = expectOk(await vscode.commands.executeCommand<GenerateAdmissionPolicyOutcome>('shipshape.generateAdmissionPolicy', {
        engine: 'kyverno', publicKeyPath, imagePattern: 'registry.internal/*', ignoreTlog: true,
      }));
      assert.match(outcome.document.getText(), /ignoreTlog: true/);
    });

    it('refuses an image pattern that is not one, without opening a document', async () => {
      const before = vscode.workspace.textDocuments.length;
      const outcome = await vscode.commands.executeCommand<GenerateAdmissionPolicyOutcome>('shipshape.generateAdmissionPolicy', {
        engine: 'kyverno', publicKeyPath, imagePattern: 'ghcr.io/acme/* --all',
      });
      assert.strictEqual(outcome.ok === false && outcome.refusal, 'invalid-input');
      assert.strictEqual(vscode.workspace.textDocuments.length, before);
    });
  });
});
