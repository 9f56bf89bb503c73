/** The contract each scanner module fulfils, and the reference check all argv builders share. */
import { validateImageRef } from '../imageRef';
import { ParseContext, ScanOptions, ScanReport, ScannerId } from './model';

export interface ScannerAdapter {
  id: ScannerId;
  /** Shown to people. */
  displayName: string;
  /** The program to run (`docker` for Scout). */
  executable: string;
  /** Where to get it, for the "not installed" message. */
  installUrl: string;
  /** Exit codes that still mean "scan done" (Snyk exits 1 when it found vulnerabilities). */
  successExitCodes: readonly number[];
  /** The argument array to scan `ref`; throws `InvalidImageRefError` on a bad reference. */
  argv(ref: string, options?: ScanOptions): string[];
  /** Parses the tool's stdout; throws `ScanParseError` on output it cannot read. */
  parse(stdout: string, ctx?: ParseContext): ScanReport[];
}

/** A reference refused before it could reach a command line. */
export class InvalidImageRefError extends Error {
  constructor(readonly reference: string, reason: string) {
    super(`Refusing to scan: ${reason}`);
    this.name = 'InvalidImageRefError';
  }
}

/** Throws `InvalidImageRefError` unless `ref` is a plain image reference safe to put in argv. */
export function assertImageRef(ref: string): string {
  const why = validateImageRef(ref);
  if (why) throw new InvalidImageRefError(ref, why);
  return ref;
}
