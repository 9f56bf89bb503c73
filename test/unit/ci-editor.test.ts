/**
 * "Generate CI Pipeline…" against an in-memory `vscode` (prompts answered by the test, a
 * workspace file system in a Map): what it opens, when it offers to save, that it never
 * overwrites. The real editor runs the same module in the integration host.
 */
import * as assert from 'assert';
import Module = require('module');
import { parse } from 'yaml';
import { generatePipeline } from '../../src/core/ci/pipeline';
import { VERSION } from '../../src/cli/version';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface FakeUri { path: string; toString(): string }
const uri = (p: string): FakeUri => ({ path: p, toString: () => `file://${p}` });

class FakeEditor {
  reset(): void { Object.assign(this, new FakeEditor()); }
  files = new Map<string, string>();
  trusted = true;
  folders: FakeUri[] | undefined = [uri('/ws')];
  picks: unknown[] = [];
  inputs: Array<string | undefined> = [];
  /** What the "Save as …" notification answers: the button's label, or undefined. */
  saveAnswer: 'save' | undefined = 'save';
  opened: Array<{ language: string; content: string }> = [];
  shown: string[] = [];
  messages: Array<{ kind: string; text: string; buttons: string[] }> = [];
  validations: Array<(text: string) => string | undefined> = [];

  api(): any {
    const self = this;
    class WorkspaceEdit {
      ops: Array<{ uri: FakeUri; overwrite: boolean; contents: Uint8Array }> = [];
      createFile(u: FakeUri, o: { overwrite: boolean; contents: Uint8Array }): void { this.ops.push({ uri: u, overwrite: o.overwrite, contents: o.contents }); }
    }
    return {
      l10n: { t: (msg: string, ...args: unknown[]) => msg.replace(/\{(\d+)\}/g, (_m, i) => String(args[Number(i)])) },
      Uri: { joinPath: (base: FakeUri, ...parts: string[]) => uri([base.path, ...parts].join('/')) },
      WorkspaceEdit,
      window: {
        showQuickPick: async (items: Array<{ value: unknown }>) => {
          const want = self.picks.shift();
          return want === undefined ? undefined : items.find((i) => i.value === want);
        },
        showInputBox: async (o: { validateInput: (t: string) => string | undefined }) => {
          self.validations.push(o.validateInput);
          return self.inputs.shift();
        },
        showTextDocument: async (d: { uri?: FakeUri; path?: string }) => { self.shown.push(d.path ?? 'untitled'); },
        showInformationMessage: async (text: string, ...buttons: string[]) => {
          self.messages.push({ kind: 'info', text, buttons });
          return self.saveAnswer === 'save' ? buttons[0] : undefined;
        },
        showWarningMessage: async (text: string, ...buttons: string[]) => { self.messages.push({ kind: 'warning', text, buttons }); return undefined; },
        showErrorMessage: async (text: string, ...buttons: string[]) => { self.messages.push({ kind: 'error', text, buttons }); return undefined; },
      },
      workspace: {
        get isTrusted() { return self.trusted; },
        get workspaceFolders() { return self.folders?.map((u) => ({ uri: u })); },
        openTextDocument: async (o: { language: string; content: string }) => {
          self.opened.push(o);
          return { getText: () => o.content, languageId: o.language };
        },
        fs: {
          stat: async (u: FakeUri) => {
            if (!self.files.has(u.path)) throw new Error('ENOENT');
            return {};
          },
        },
        applyEdit: async (edit: InstanceType<typeof WorkspaceEdit>) => {
          for (const op of edit.ops) if (self.files.has(op.uri.path) && !op.overwrite) return false;
          for (const op of edit.ops) self.files.set(op.uri.path, new TextDecoder().decode(op.contents));
          return true;
        },
      },
    };
  }
}

describe('Generate CI Pipeline… (editor command, in-memory vscode)', () => {
  // One fake for the suite: the module reads `vscode` once, at its first require.
  const editor = new FakeEditor();
  const ModuleAny = Module as any;
  const originalLoad = ModuleAny._load;
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

  before(() => {
    ModuleAny._load = function (request: string, ...rest: unknown[]) {
      if (request === 'vscode') return editor.api();
      return originalLoad.call(this, request, ...rest);
    };
  });
  after(() => { ModuleAny._load = originalLoad; });
  beforeEach(() => editor.reset());
  const currentFake = (): FakeEditor => editor;
  const run = async (arg?: unknown): Promise<any> => {
    const mod = require('../../src/extension/ciPipeline');
    return new mod.GeneratePipelineCommand(log).execute(arg);
  };

  it('opens the pipeline of the picked options as a new YAML document, then saves it only when asked', async () => {
    const target = '/ws/.github/workflows/container-security.yml';
    Object.assign(currentFake(), { picks: ['github', 'grype', 'key'], inputs: ['ghcr.io/acme/app'], saveAnswer: 'save' });
    const outcome = await run();
    const fake = currentFake();
    assert.strictEqual(outcome.ok, true);
    assert.strictEqual(fake.opened.length, 1);
    assert.strictEqual(fake.opened[0].language, 'yaml');
    assert.strictEqual(fake.opened[0].content, generatePipeline({ provider: 'github', scanner: 'grype', sign: 'key', image: 'ghcr.io/acme/app' }, VERSION).pipeline.text);
    assert.deepStrictEqual(fake.messages.map((m) => m.buttons), [['Save as .github/workflows/container-security.yml']]);
    assert.strictEqual(fake.files.get(target), fake.opened[0].content);
    assert.strictEqual(outcome.saved.path, target);
  });

  it('keeps the document unsaved when the user does not choose Save', async () => {
    Object.assign(currentFake(), { picks: ['gitlab', 'trivy', 'keyless'], inputs: [''], saveAnswer: undefined });
    const outcome = await run();
    assert.strictEqual(outcome.ok, true);
    assert.strictEqual(outcome.saved, undefined);
    assert.strictEqual(parse(currentFake().opened[0].content).variables.IMAGE, '$CI_REGISTRY_IMAGE');
    assert.strictEqual(currentFake().files.size, 0);
  });

  it('does not offer to save over an existing file, nor in an untrusted workspace', async () => {
    const existing = '/ws/.gitlab-ci.yml';
    Object.assign(currentFake(), { picks: ['gitlab', 'trivy', 'keyless'], inputs: [''] });
    currentFake().files.set(existing, 'mine');
    const outcome = await run();
    assert.strictEqual(outcome.ok, true);
    assert.deepStrictEqual(currentFake().messages, []);
    assert.strictEqual(currentFake().files.get(existing), 'mine');

    Object.assign(currentFake(), { picks: ['github', 'trivy', 'keyless'], inputs: [''], trusted: false, messages: [], opened: [] });
    currentFake().files.clear();
    const untrusted = await run();
    assert.strictEqual(untrusted.ok, true, 'the document still opens');
    assert.strictEqual(currentFake().opened.length, 1);
    assert.deepStrictEqual(currentFake().messages, []);
    assert.strictEqual(currentFake().files.size, 0);
  });

  it('refuses a save requested by argument where a file exists or appears before the write', async () => {
    currentFake().files.set('/ws/.github/workflows/container-security.yml', 'mine');
    const refused = await run({ provider: 'github', scanner: 'trivy', sign: 'keyless', image: '', saveTo: uri('/ws') });
    assert.deepStrictEqual([refused.ok, refused.refusal], [false, 'exists']);
    assert.strictEqual(currentFake().files.get('/ws/.github/workflows/container-security.yml'), 'mine');
  });

  it('validates the image as the user types, and cancels cleanly at every prompt', async () => {
    Object.assign(currentFake(), { picks: ['github', 'trivy', 'keyless'], inputs: [undefined] });
    assert.deepStrictEqual(await run(), { ok: false, refusal: 'cancelled' });
    const validate = currentFake().validations[0];
    assert.strictEqual(validate(''), undefined, 'empty = the default registry');
    assert.strictEqual(validate('ghcr.io/acme/app'), undefined);
    assert.match(validate('ghcr.io/acme/app:1.0')!, /without a tag/);
    assert.match(validate('not an image')!, /whitespace/);
    for (const picks of [[], ['github'], ['github', 'trivy']]) {
      Object.assign(currentFake(), { picks: [...picks], inputs: [] });
      assert.deepStrictEqual(await run(), { ok: false, refusal: 'cancelled' });
    }
    assert.strictEqual(currentFake().opened.length, 0);
  });

  it('reports an image the generator refuses without opening anything', async () => {
    const outcome = await run({ provider: 'github', scanner: 'trivy', sign: 'key', image: 'ghcr.io/acme/app@sha256:' + 'a'.repeat(64) });
    assert.deepStrictEqual([outcome.ok, outcome.refusal], [false, 'invalid-input']);
    assert.strictEqual(currentFake().opened.length, 0);
    assert.match(currentFake().messages[0].text, /^The pipeline was not generated: give the repository without a digest/);
  });

});
