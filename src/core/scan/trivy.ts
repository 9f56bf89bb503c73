/** Trivy: `trivy image --format json` and its report schema (v2, plus the v1 array of results). */
import { assertImageRef, ScannerAdapter } from './adapter';
import {
  Cvss, isObject, normalizeFixedIn, normalizeSeverity, normalizeStatus, ParseContext, parseJsonOutput,
  ScanOptions, ScanParseError, ScanReport, str, strings, Vulnerability, VulnSeverity,
} from './model';

const TRIVY_SEVERITY: Partial<Record<VulnSeverity, string>> = {
  critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', unknown: 'UNKNOWN',
};

/** argv for `trivy image`; only the vulnerability scanner runs, since secrets/misconfig are not shown here. */
export function trivyArgv(ref: string, options: ScanOptions = {}): string[] {
  assertImageRef(ref);
  const args = ['image', '--format', 'json', '--quiet', '--scanners', 'vuln'];
  if (options.configFile) args.push('--config', options.configFile);
  if (options.ignoreFile) args.push('--ignorefile', options.ignoreFile);
  const sev = (options.severities ?? []).map((s) => TRIVY_SEVERITY[s]).filter((s): s is string => !!s);
  // Trivy has no "negligible": a list of only negligible would mean "everything" to it, so filter afterwards instead.
  if (sev.length) args.push('--severity', sev.join(','));
  if (options.ignoreUnfixed) args.push('--ignore-unfixed');
  args.push(ref);
  return args;
}

/** True when a parsed JSON value looks like a Trivy report (v2 object or v1 array of results). */
export function isTrivyReport(doc: unknown): boolean {
  if (isObject(doc)) return 'SchemaVersion' in doc && ('Results' in doc || 'ArtifactName' in doc);
  return Array.isArray(doc) && doc.length > 0 && doc.every((r) => isObject(r) && 'Target' in r);
}

function pickCvss(v: Record<string, any>): Cvss | undefined {
  const all = isObject(v.CVSS) ? v.CVSS : undefined;
  if (!all) return undefined;
  const sources = Object.keys(all);
  const preferred = [str(v.SeveritySource), 'nvd', ...sources].find((s) => s && isObject(all[s]));
  if (!preferred) return undefined;
  const c = all[preferred];
  const score = typeof c.V3Score === 'number' ? c.V3Score : typeof c.V40Score === 'number' ? c.V40Score : typeof c.V2Score === 'number' ? c.V2Score : undefined;
  const vector = str(c.V3Vector) ?? str(c.V40Vector) ?? str(c.V2Vector);
  return score === undefined && vector === undefined ? undefined : { score, vector, source: preferred };
}

function toVulnerability(v: Record<string, any>, result: Record<string, any>): Vulnerability | undefined {
  const id = str(v.VulnerabilityID);
  const pkg = str(v.PkgName);
  if (!id || !pkg) return undefined;
  const fixedIn = normalizeFixedIn(v.FixedVersion);
  const primary = str(v.PrimaryURL);
  const refs = strings(v.References);
  const urls = primary ? [primary, ...(refs.includes(primary) ? refs.filter((r) => r !== primary) : refs)] : refs;
  const layer = isObject(v.Layer) ? str(v.Layer.DiffID) ?? str(v.Layer.Digest) : undefined;
  return {
    id,
    aliases: strings(v.VendorIDs),
    severity: normalizeSeverity(v.Severity),
    pkg,
    pkgType: str(result.Type),
    installed: str(v.InstalledVersion) ?? '',
    fixedIn,
    // Reports from before Trivy 0.36 carry no Status; a fixed version is the best evidence then.
    status: normalizeStatus(v.Status) ?? (fixedIn ? 'fixed' : undefined),
    title: str(v.Title) ?? id,
    description: str(v.Description),
    cvss: pickCvss(v),
    urls,
    layer,
    target: str(result.Target),
    path: str(v.PkgPath),
    purl: isObject(v.PkgIdentifier) ? str(v.PkgIdentifier.PURL) : undefined,
  };
}

/** Parses `trivy image --format json` output (one report per document). */
export function parseTrivy(stdout: string, ctx: ParseContext = {}): ScanReport[] {
  return [trivyReportFrom(parseJsonOutput(stdout, 'trivy'), ctx)];
}

/** Normalises an already parsed Trivy document. */
export function trivyReportFrom(doc: unknown, ctx: ParseContext = {}): ScanReport {
  if (!isTrivyReport(doc)) throw new ScanParseError('trivy output is not a Trivy JSON report (no SchemaVersion/Results)');
  const top: Record<string, any> = Array.isArray(doc) ? { Results: doc } : (doc as Record<string, any>);
  const meta: Record<string, any> = isObject(top.Metadata) ? top.Metadata : {};
  const digestRef = strings(meta.RepoDigests)[0];
  const results: unknown[] = Array.isArray(top.Results) ? top.Results : [];
  const vulns: Vulnerability[] = [];
  for (const r of results) {
    if (!isObject(r) || !Array.isArray(r.Vulnerabilities)) continue;
    for (const v of r.Vulnerabilities) {
      if (!isObject(v)) continue;
      const vuln = toVulnerability(v, r);
      if (vuln) vulns.push(vuln);
    }
  }
  return {
    image: {
      reference: ctx.reference ?? str(meta.Reference) ?? strings(meta.RepoTags)[0] ?? str(top.ArtifactName) ?? 'unknown',
      digest: digestRef?.includes('@') ? digestRef.slice(digestRef.indexOf('@') + 1) : undefined,
      id: str(meta.ImageID) ?? str(top.ArtifactID),
    },
    scanner: 'trivy',
    scannerVersion: isObject(top.Trivy) ? str(top.Trivy.Version) : undefined,
    scannedAt: str(top.CreatedAt) ?? ctx.scannedAt ?? new Date().toISOString(),
    vulns,
  };
}

export const trivyAdapter: ScannerAdapter = {
  id: 'trivy',
  displayName: 'Trivy',
  executable: 'trivy',
  installUrl: 'https://trivy.dev',
  successExitCodes: [0],
  argv: trivyArgv,
  parse: parseTrivy,
};
