/**
 * Rule documentation opens one way from everywhere: the shipped `docs/rules/<id>.md` page in the
 * rendered (read-only) Markdown preview. The hover link and the quick fix run the command; the
 * Problems panel opens the diagnostic's `code.target` (the page's file) as text, so such a text
 * tab is swapped for the preview as soon as it appears.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { normalizeLocale } from '../core/l10n/locale';

export const SHOW_DOCS_COMMAND = 'shipshape.showRuleDocumentation';

const RULE_ID = /^[a-z0-9-]+$/i;

export class RuleDocumentation implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Pages being opened by this class, so their own text documents are not swapped again. */
  private readonly opening = new Set<string>();

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.opened) void this.swapForPreview(tab);
    }));
  }

  /** The rules with a page: the shipped docs/rules/*.md (read once, when first asked; the rules themselves live in the server). */
  private pages: Set<string> | undefined;

  /**
   * The page of a rule we ship, or undefined for ids that are not rules (e.g. a parser error):
   * docs/rules/zh-cn/<id>.md when VS Code's display language is Simplified Chinese and that page
   * is shipped, else the English page.
   */
  uriOf(ruleId: string): vscode.Uri | undefined {
    if (!RULE_ID.test(ruleId) || !this.pageIds().has(ruleId)) return undefined;
    const zh = normalizeLocale(vscode.env.language) === 'zh-cn' && this.pageIds('zh-cn').has(ruleId);
    return vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules', ...(zh ? ['zh-cn'] : []), `${ruleId}.md`);
  }

  /** The Chinese pages shipped (read once: this runs for every diagnostic of every push). */
  private zhPages: Set<string> | undefined;

  private pageIds(locale?: 'zh-cn'): Set<string> {
    const read = (...dir: string[]): Set<string> => {
      try {
        const path = vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules', ...dir).fsPath;
        return new Set(fs.readdirSync(path).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3)));
      } catch {
        return new Set();
      }
    };
    if (locale) return (this.zhPages ??= read(locale));
    return (this.pages ??= read());
  }

  /** A rule's title, from its page's heading (`# id: Title`). */
  private titleOf(ruleId: string): string | undefined {
    const uri = this.uriOf(ruleId);
    if (!uri) return undefined;
    try {
      const head = fs.readFileSync(uri.fsPath, 'utf8').slice(0, 400).split('\n')[0];
      const m = /^#\s+[^:]+:\s*(.+)$/.exec(head);
      return m ? m[1].trim() : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Opens the documentation of a rule, or of one of several rules chosen in a quick pick.
   * `chosen` skips the pick (integration tests, other callers that know the rule).
   */
  async show(ruleIds: unknown, chosen?: unknown): Promise<vscode.Uri | undefined> {
    const ids = (Array.isArray(ruleIds) ? ruleIds : [ruleIds]).filter((x): x is string => typeof x === 'string' && this.uriOf(x) !== undefined);
    const unique = [...new Set(ids)];
    if (unique.length === 0) return undefined;
    let id: string | undefined = typeof chosen === 'string' && unique.includes(chosen) ? chosen : undefined;
    if (!id && unique.length === 1) id = unique[0];
    if (!id) {
      const picked = await vscode.window.showQuickPick(
        unique.map((r) => ({ label: r, description: this.titleOf(r) })),
        { placeHolder: vscode.l10n.t('Show the documentation of which rule?') },
      );
      id = picked?.label;
    }
    const uri = id ? this.uriOf(id) : undefined;
    if (uri) await this.openPreview(uri);
    return uri;
  }

  private async openPreview(uri: vscode.Uri): Promise<void> {
    this.opening.add(uri.toString());
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in Markdown extension, the page as text is still the documentation.
      await vscode.window.showTextDocument(uri, { preview: true });
    } finally {
      this.opening.delete(uri.toString());
    }
  }

  /** A text tab showing one of our pages (opened from the Problems panel) becomes the preview. */
  private async swapForPreview(tab: vscode.Tab): Promise<void> {
    if (!(tab.input instanceof vscode.TabInputText)) return;
    const uri = tab.input.uri;
    if (this.opening.has(uri.toString()) || !this.isOurPage(uri)) return;
    // Without the Markdown extension there is no preview to swap to.
    if (!vscode.extensions.getExtension('vscode.markdown-language-features')) return;
    await this.openPreview(uri);
    const current = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
    if (current) await vscode.window.tabGroups.close(current);
  }

  private isOurPage(uri: vscode.Uri): boolean {
    const dir = vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules').toString() + '/';
    return uri.toString().startsWith(dir) && uri.path.endsWith('.md');
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
