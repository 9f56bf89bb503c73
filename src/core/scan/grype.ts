/** Grype: `grype REF -o json` and its `matches[]` document. */
import { parseImageRef } from '../imageRef';
import { frag } from '../l10n/text';
import { assertImageRef, InvalidImageRefError, ScannerAdapter } from './adapter';
import {
  Cvss, isObject, normalizeFixedIn, normalizeSeverity, normalizeStatus, ParseContext, parseJsonOutput, pushUnique,
  ScanOptions, ScanParseError, ScanReport, str, strings, Vulnerability,
} from './model';

/**
 * Grype reads `scheme:rest` as a source scheme, so `dir:x` (a valid image reference: name `dir`,
 * tag `x`) would make it scan a local directory. Such references are refused for Grype.
 */
const GRYPE_SCHEMES = new Set([
  'docker', 'podman', 'containerd', 'docker-archive', 'oci-archive', 'oci-dir', 'singularity', 'dir', 'file', 'registry', 'sbom', 'purl', 'cpe',
]);

/** argv for `grype REF -o json`. Grype has no severity filter, so severities are applied after parsing. */
export function grypeArgv(ref: string, options: ScanOptions = {}): string[] {
  assertImageRef(ref);
  const parsed = parseImageRef(ref);
  if (parsed && !parsed.registry && GRYPE_SCHEMES.has(parsed.repository.toLowerCase()) && parsed.tag !== undefined) {
    throw new InvalidImageRefError(ref, frag('scan.grype-source', '"{ref}" would be read by grype as a "{scheme}:" source, not an image; write it with its registry (e.g. docker.io/library/{ref})', { ref, scheme: parsed.repository }));
  }
  const args = [ref, '-o', 'json'];
  if (options.configFile) args.push('--config', options.configFile);
  if (options.ignoreUnfixed) args.push('--only-fixed');
  return args;
}

/** True when a parsed JSON value looks like a Grype document. */
export function isGrypeReport(doc: unknown): boolean {
  return isObject(doc) && Array.isArray(doc.matches) && (isObject(doc.descriptor) || isObject(doc.source));
}

function pickCvss(list: unknown): Cvss | undefined {
  if (!Array.isArray(list)) return undefined;
  const entries = list.filter(isObject);
  // Prefer the primary (NVD) v3 score, then any v3, then whatever there is.
  const best = entries.find((c) => c.source === 'nvd' && /^3/.test(String(c.version)))
    ?? entries.find((c) => /^3/.test(String(c.version)))
    ?? entries[0];
  if (!best) return undefined;
  const score = isObject(best.metrics) && typeof best.metrics.baseScore === 'number' ? best.metrics.baseScore : undefined;
  return { score, vector: str(best.vector), source: str(best.source) };
}

function grypeStatus(fix: Record<string, any>, fixedIn: string | undefined) {
  const state = str(fix.state);
  if (state) return normalizeStatus(state);
  return fixedIn ? 'fixed' : 'unknown';
}

function toVulnerability(m: Record<string, any>): Vulnerability | undefined {
  const v = isObject(m.vulnerability) ? m.vulnerability : undefined;
  const a = isObject(m.artifact) ? m.artifact : undefined;
  const id = str(v?.id);
  const pkg = str(a?.name);
  if (!v || !a || !id || !pkg) return undefined;
  const fix = isObject(v.fix) ? v.fix : {};
  const fixedIn = normalizeFixedIn(fix.versions);
  const related = Array.isArray(m.relatedVulnerabilities) ? m.relatedVulnerabilities.filter(isObject) : [];
  const aliases = pushUnique([], related.map((r) => str(r.id) ?? '').filter((r) => r !== id));
  const urls = pushUnique([], [str(v.dataSource) ?? '', ...strings(v.urls)]);
  const location = Array.isArray(a.locations) ? a.locations.find(isObject) : undefined;
  const description = str(v.description) ?? related.map((r) => str(r.description)).find(Boolean);
  const cvss = pickCvss(v.cvss) ?? related.map((r) => pickCvss(r.cvss)).find(Boolean);
  return {
    id,
    aliases,
    severity: normalizeSeverity(v.severity),
    pkg,
    pkgType: str(a.type),
    installed: str(a.version) ?? '',
    fixedIn,
    status: grypeStatus(fix, fixedIn),
    // Grype has no title; the first sentence of the description is the closest thing.
    title: description ? firstSentence(description) : id,
    description,
    cvss,
    urls,
    layer: location ? str(location.layerID) : undefined,
    target: str(v.namespace),
    path: location ? str(location.path) : undefined,
    purl: str(a.purl),
  };
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0].trim();
  const m = /^(.{20,}?[.!?])\s/.exec(line);
  const s = m ? m[1] : line;
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

/** Parses `grype -o json` output. */
export function parseGrype(stdout: string, ctx: ParseContext = {}): ScanReport[] {
  return [grypeReportFrom(parseJsonOutput(stdout, 'grype'), ctx)];
}

/** Normalises an already parsed Grype document. */
export function grypeReportFrom(doc: unknown, ctx: ParseContext = {}): ScanReport {
  if (!isGrypeReport(doc)) throw new ScanParseError('grype output is not a Grype JSON document (no matches[])');
  const d = doc as Record<string, any>;
  const source = isObject(d.source) ? d.source : {};
  const target = isObject(source.target) ? source.target : undefined;
  const targetText = typeof source.target === 'string' && source.target !== 'unknown' ? source.target : undefined;
  const descriptor = isObject(d.descriptor) ? d.descriptor : {};
  const repoDigest = strings(target?.repoDigests)[0];
  const vulns: Vulnerability[] = [];
  for (const m of d.matches) {
    if (!isObject(m)) continue;
    const v = toVulnerability(m);
    if (v) vulns.push(v);
  }
  const version = str(descriptor.version);
  return {
    image: {
      reference: ctx.reference ?? str(target?.userInput) ?? strings(target?.tags)[0] ?? targetText ?? 'unknown',
      digest: str(target?.manifestDigest) ?? (repoDigest?.includes('@') ? repoDigest.slice(repoDigest.indexOf('@') + 1) : undefined),
      id: str(target?.imageID),
    },
    scanner: 'grype',
    scannerVersion: version && version !== '[not provided]' ? version : undefined,
    scannedAt: str(descriptor.timestamp) ?? ctx.scannedAt ?? new Date().toISOString(),
    vulns,
  };
}

export const grypeAdapter: ScannerAdapter = {
  id: 'grype',
  displayName: 'Grype',
  executable: 'grype',
  installUrl: 'https://github.com/anchore/grype',
  successExitCodes: [0],
  argv: grypeArgv,
  parse: parseGrype,
};
