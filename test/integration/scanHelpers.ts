/** Shared by the scan integration tests: the extension's scan API and the fake scanners. */
import * as path from 'path';
import * as vscode from 'vscode';
import type { ShipshapeApi } from '../../src/extension/extension';

/** test/fixtures/bin, where the fake scanners live (this file runs from out/test/integration). */
export const FAKE_BIN = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'bin');

export async function shipshapeApi(): Promise<ShipshapeApi> {
  const ext = vscode.extensions.getExtension<ShipshapeApi>('shipshape.shipshape');
  if (!ext) throw new Error('the Shipshape extension is not installed in the test host');
  return ext.activate();
}

/**
 * Sets environment variables for the fake tools and returns a restore function. The tests run in
 * the extension host, and the scanner is spawned with the host's environment at spawn time.
 */
export function withEnv(vars: Record<string, string | undefined>): () => void {
  const before: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    before[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** The argv lines the fake tools logged to a FAKE_TOOL_LOG file. */
export function loggedCalls(text: string): Array<{ tool: string; argv: string[] }> {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tool: string; argv: string[] });
}
