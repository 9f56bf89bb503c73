/**
 * An error's message in the editor's language: errors of the core and the tool runners carry
 * their message as a template (`l10n`, core/l10n/text.ts). English is the message itself; for
 * Simplified Chinese the core's catalogue (l10n/core.zh-cn.json, shipped in the .vsix) is read
 * the first time such an error is shown, so activation neither loads nor bundles it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { english, renderText, Text } from '../core/l10n/text';
import { normalizeLocale } from '../core/l10n/locale';

let zhCatalogue: Readonly<Record<string, string>> | null | undefined;

function isText(v: unknown): v is Text {
  return typeof v === 'object' && v !== null && typeof (v as Text).id === 'string' && typeof (v as Text).en === 'string';
}

function catalogue(): Readonly<Record<string, string>> | null {
  if (zhCatalogue !== undefined) return zhCatalogue;
  const root = vscode.extensions?.getExtension('shipshape.shipshape')?.extensionPath;
  try {
    zhCatalogue = root ? (JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'core.zh-cn.json'), 'utf8')) as Record<string, string>) : null;
  } catch {
    zhCatalogue = null;
  }
  return zhCatalogue;
}

/** The message of `e` in the editor's language (its English message when it has no template, or no catalogue is found). */
export function errorText(e: unknown): string {
  const t = (e as { l10n?: unknown } | undefined)?.l10n;
  if (!isText(t)) return e instanceof Error ? e.message : String(e);
  const c = normalizeLocale(vscode.env?.language) === 'zh-cn' ? catalogue() : null;
  return c ? renderText(t, c) : english(t);
}
