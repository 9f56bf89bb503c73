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

/** The longest timeout Node's timers hold (2^31 - 1 ms); a longer one would fire at once. */
export const MAX_SCAN_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** `shipshape.scan.timeoutSeconds` in ms: at least 10 s, at most MAX_SCAN_TIMEOUT_SECONDS, 600 s when not a positive number. */
export function readTimeoutMs(): number {
  const s = vscode.workspace.getConfiguration('shipshape').get<number>('scan.timeoutSeconds', 600);
  return timeoutMsFromSetting(s);
}

/** The clamping of readTimeoutMs, for any value a settings file can hold. */
export function timeoutMsFromSetting(s: unknown): number {
  const seconds = typeof s === 'number' && Number.isFinite(s) && s > 0 ? Math.min(Math.max(s, 10), MAX_SCAN_TIMEOUT_SECONDS) : 600;
  return Math.round(seconds * 1000);
}

/** Saves a tool path in the user's settings (where it is honoured). */
export async function saveToolPath(tool: ToolName, path: string): Promise<void> {
  await vscode.workspace.getConfiguration('shipshape').update(toolPathSetting(tool), path, vscode.ConfigurationTarget.Global);
}
