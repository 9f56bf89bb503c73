/** The contract each scanner module fulfils, and the reference check all argv builders share. */
import { parseImageRef, validateImageRefText } from '../imageRef';
import { english, frag, Text } from '../l10n/text';
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
  /** The message as a template, for the user's locale. */
  readonly l10n: Text;
  constructor(readonly reference: string, reason: string | Text) {
    const l10n = frag('scan.refusing', 'Refusing to scan: {reason}', { reason });
    super(english(l10n));
    this.name = 'InvalidImageRefError';
    this.l10n = l10n;
  }
}

/**
 * `scheme:rest` sources some scanner reads from the local disk instead of a registry (Snyk's
 * `docker-archive:`, `oci-archive:`, `kaniko-archive:`; Grype's and Syft's `dir:`, `file:`…).
 * Each is also a valid image reference (name `dir`, tag `x`), so a manifest's `image:` could make
 * a CodeLens scan read a local file. Refused for every scanner.
 */
const LOCAL_SOURCE_SCHEMES = new Set(['docker-archive', 'oci-archive', 'oci-dir', 'kaniko-archive', 'dir', 'file', 'singularity', 'sbom', 'purl', 'cpe']);

/** Why a valid reference would make some scanner read a local file or directory, or undefined. */
export function localSourceProblem(ref: string): string | undefined {
  const why = localSourceProblemText(ref);
  return why && english(why);
}

function localSourceProblemText(ref: string): Text | undefined {
  const parsed = parseImageRef(ref);
  if (!parsed) return undefined;
  if (!parsed.registry && parsed.tag !== undefined && LOCAL_SOURCE_SCHEMES.has(parsed.repository.toLowerCase())) {
    return frag('scan.local-source', '"{scheme}:" names a local archive or directory for some scanners, not an image; Shipshape scans images from a registry or the local engine only', { scheme: parsed.repository });
  }
  // Snyk reads a reference ending in .tar as an archive on disk.
  if (/\.tar$/i.test(ref) || /\.(tar|tgz|tar\.gz)$/i.test(parsed.repository)) {
    return frag('scan.tar-reference', 'a reference ending in .tar names an image archive on disk for some scanners; Shipshape scans images from a registry or the local engine only');
  }
  return undefined;
}

/** Throws `InvalidImageRefError` unless `ref` is a plain image reference safe to put in argv, naming no local file. */
export function assertImageRef(ref: string): string {
  const why = validateImageRefText(ref) ?? localSourceProblemText(ref);
  if (why) throw new InvalidImageRefError(ref, why);
  return ref;
}
