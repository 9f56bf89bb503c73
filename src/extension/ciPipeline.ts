/**
 * "Generate CI Pipeline…": the container security pipeline of `shipshape ci init`, opened as a
 * new untitled YAML document to review. Nothing is written unless the user asks, and then only
 * to a path where no file exists yet (in a trusted workspace).
 */
import * as vscode from 'vscode';
import { errorText } from './errorText';
import { CiProvider, CiScanner, CiSigning, generatePipeline, PIPELINE_PATHS, PipelineOptionsError, validatePipelineImage } from '../core/ci/pipeline';
import { VERSION } from '../cli/version';
import { Command } from './commands';

/** What `shipshape.generatePipeline` accepts to skip its prompts (tests, other extensions). */
export interface GeneratePipelineArguments {
  provider?: CiProvider;
  scanner?: CiScanner;
  sign?: CiSigning;
  /** Repository to push to; an empty string means the provider's default registry. */
  image?: string;
  /** Save into this workspace folder without asking (refused when the file exists). */
  saveTo?: vscode.Uri;
}

export type GeneratePipelineOutcome =
  | { ok: true; document: vscode.TextDocument; saved?: vscode.Uri }
  | { ok: false; refusal: 'cancelled' | 'invalid-input' | 'exists' | 'untrusted'; message?: string };

interface Choice<T> extends vscode.QuickPickItem { value: T }

async function pick<T>(title: string, placeHolder: string, items: Array<Choice<T>>): Promise<T | undefined> {
  return (await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true }))?.value;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export class GeneratePipelineCommand implements Command {
  static readonly id = 'shipshape.generatePipeline';
  readonly id = GeneratePipelineCommand.id;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async execute(arg?: unknown): Promise<GeneratePipelineOutcome> {
    const args: GeneratePipelineArguments = arg && typeof arg === 'object' ? (arg as GeneratePipelineArguments) : {};
    const title = vscode.l10n.t('Generate CI Pipeline');
    const provider = args.provider ?? await pick<CiProvider>(title, vscode.l10n.t('Where does your pipeline run?'), [
      { value: 'github', label: vscode.l10n.t('GitHub Actions'), description: PIPELINE_PATHS.github },
      { value: 'gitlab', label: vscode.l10n.t('GitLab CI'), description: PIPELINE_PATHS.gitlab },
    ]);
    if (!provider) return { ok: false, refusal: 'cancelled' };
    const scanner = args.scanner ?? await pick<CiScanner>(title, vscode.l10n.t('Which scanner blocks vulnerable images?'), [
      { value: 'trivy', label: 'Trivy', detail: vscode.l10n.t('Fails on CRITICAL and HIGH vulnerabilities') },
      { value: 'grype', label: 'Grype', detail: vscode.l10n.t('Fails on high vulnerabilities and above') },
    ]);
    if (!scanner) return { ok: false, refusal: 'cancelled' };
    const sign = args.sign ?? await pick<CiSigning>(title, vscode.l10n.t('How is the image signed?'), [
      { value: 'keyless', label: vscode.l10n.t('Keyless (OIDC)'), detail: vscode.l10n.t('cosign signs with the pipeline\'s identity; no key to keep') },
      { value: 'key', label: vscode.l10n.t('Key from a secret'), detail: vscode.l10n.t('cosign signs with COSIGN_PRIVATE_KEY and COSIGN_PASSWORD from the CI secrets') },
    ]);
    if (!sign) return { ok: false, refusal: 'cancelled' };
    const image = args.image ?? await vscode.window.showInputBox({
      title,
      prompt: provider === 'github'
        ? vscode.l10n.t('Image repository to push to, without a tag (empty: ghcr.io/<owner>/<repo>)')
        : vscode.l10n.t('Image repository to push to, without a tag (empty: the project\'s GitLab registry)'),
      placeHolder: 'ghcr.io/acme/app',
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() === '' ? undefined : validatePipelineImage(text.trim())),
    });
    if (image === undefined) return { ok: false, refusal: 'cancelled' };

    let content: string;
    try {
      content = generatePipeline({ provider, scanner, sign, image: image.trim() || undefined }, VERSION).pipeline.text;
    } catch (e) {
      if (!(e instanceof PipelineOptionsError)) throw e;
      this.log.warn(`Generate CI Pipeline: ${e.message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The pipeline was not generated: {0}', errorText(e)));
      return { ok: false, refusal: 'invalid-input', message: e.message };
    }
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(document, { preview: false });
    this.log.info(`Generated a ${provider} pipeline (${scanner}, ${sign} signing) for review`);

    const relative = PIPELINE_PATHS[provider];
    const folder = args.saveTo ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return { ok: true, document };
    const target = vscode.Uri.joinPath(folder, ...relative.split('/'));
    // Offered only where nothing would be overwritten, and only where the workspace may be written.
    if (!vscode.workspace.isTrusted) return args.saveTo ? { ok: false, refusal: 'untrusted' } : { ok: true, document };
    if (await exists(target)) {
      if (args.saveTo) return { ok: false, refusal: 'exists' };
      return { ok: true, document };
    }
    if (!args.saveTo) {
      const save = vscode.l10n.t('Save as {0}', relative);
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Review the pipeline, then save it into the workspace.'), save);
      if (choice !== save) return { ok: true, document };
    }
    const edit = new vscode.WorkspaceEdit();
    // overwrite: false: if the file appeared meanwhile, the edit fails instead of replacing it.
    edit.createFile(target, { overwrite: false, contents: new TextEncoder().encode(document.getText()) });
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} was not written: a file is already there.', relative));
      return { ok: false, refusal: 'exists' };
    }
    await vscode.window.showTextDocument(target, { preview: false });
    this.log.info(`Saved the pipeline as ${relative}`);
    return { ok: true, document, saved: target };
  }
}
