/**
 * Scanner settings as the scan feature may read them. Tool paths are machine settings in
 * `restrictedConfigurations`: only the user's own (global) value counts, never a value a
 * workspace could have planted.
 */
import * as vscode from 'vscode';
import { ScannerId, SCANNER_IDS } from '../../core/scan/model';
import type { ScannerChoice, ToolPaths } from '../../node/scanRunner';

export type ToolName = keyof ToolPaths;
export const TOOL_NAMES: readonly ToolName[] = ['trivy', 'grype', 'docker', 'snyk', 'podman'];

/** The setting key (under `shipshape.`) of a tool's path. */
export function toolPathSetting(tool: ToolName): string {
  return `scan.${tool}Path`;
}

/** The executable a scanner runs: Scout is a docker plugin. */
export function toolOfScanner(id: ScannerId): ToolName {
  return id === 'scout' ? 'docker' : id;
}

/** Configured tool paths, from the user's global settings only. */
export function readToolPaths(): ToolPaths {
  const config = vscode.workspace.getConfiguration('shipshape');
  const paths: ToolPaths = {};
  for (const tool of TOOL_NAMES) {
    const value = config.inspect<string>(toolPathSetting(tool))?.globalValue;
    if (typeof value === 'string' && value.trim()) paths[tool] = value.trim();
  }
  return paths;
}

export function readScannerChoice(): ScannerChoice {
  const v = vscode.workspace.getConfiguration('shipshape').get<string>('scan.scanner', 'auto');
  return v === 'auto' || (SCANNER_IDS as readonly string[]).includes(v) ? (v as ScannerChoice) : 'auto';
}

export function readTimeoutMs(): number {
  const s = vscode.workspace.getConfiguration('shipshape').get<number>('scan.timeoutSeconds', 600);
  return (typeof s === 'number' && Number.isFinite(s) && s > 0 ? Math.max(s, 10) : 600) * 1000;
}

/** Saves a tool path in the user's settings (where it is honoured). */
export async function saveToolPath(tool: ToolName, path: string): Promise<void> {
  await vscode.workspace.getConfiguration('shipshape').update(toolPathSetting(tool), path, vscode.ConfigurationTarget.Global);
}
