/** Snyk: `snyk container test REF --json` (an object per project, or an array of them). */
import { assertImageRef, ScannerAdapter } from './adapter';
import {
  isObject, normalizeFixedIn, normalizeSeverity, ParseContext, parseJsonOutput, pushUnique, ScanOptions, ScanParseError,
  ScanReport, str, strings, Vulnerability, VULN_SEVERITIES,
} from './model';

const SNYK_THRESHOLDS = ['low', 'medium', 'high', 'critical'] as const;

/** argv for `snyk container test`; Snyk takes one minimum severity, the least severe of the list. */
export function snykArgv(ref: string, options: ScanOptions = {}): string[] {
  assertImageRef(ref);
  const args = ['container', 'test', ref, '--json'];
  const wanted = options.severities ?? [];
  const least = [...VULN_SEVERITIES].reverse().find((s) => wanted.includes(s));
  if (least && (SNYK_THRESHOLDS as readonly string[]).includes(least)) args.push(`--severity-threshold=${least}`);
  return args;
}

function isSnykProject(p: unknown): p is Record<string, any> {
  return isObject(p) && Array.isArray(p.vulnerabilities) && ('packageManager' in p || 'projectName' in p || 'ok' in p);
}

/** True when a parsed JSON value looks like Snyk's JSON (a project or an array of projects). */
export function isSnykReport(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isSnykProject);
  return isSnykProject(doc) || (isObject(doc) && doc.ok === false && typeof doc.error === 'string');
}

function toVulnerability(v: Record<string, any>, project: Record<string, any>): Vulnerability | undefined {
  const id = str(v.id);
  const pkg = str(v.packageName) ?? str(v.name);
  if (!id || !pkg) return undefined;
  const ids = isObject(v.identifiers) ? v.identifiers : {};
  const aliases = pushUnique([], [...strings(ids.CVE), ...strings(ids.GHSA), ...strings(ids.ALTERNATIVE), ...strings(v.alternativeIds)]);
  const refs = Array.isArray(v.references) ? v.references.filter(isObject).map((r) => str(r.url) ?? '') : [];
  const fixedIn = normalizeFixedIn(v.nearestFixedInVersion) ?? normalizeFixedIn(v.fixedIn);
  const score = typeof v.cvssScore === 'number' ? v.cvssScore : undefined;
  const vector = str(v.CVSSv3);
  return {
    id,
    aliases: aliases.filter((a) => a !== id),
    severity: normalizeSeverity(v.severityWithCritical ?? v.severity),
    pkg,
    pkgType: str(project.packageManager) ?? str(v.packageManager),
    installed: str(v.version) ?? '',
    fixedIn,
    status: fixedIn ? 'fixed' : 'affected',
    title: str(v.title) ?? id,
    description: str(v.description),
    cvss: score !== undefined || vector ? { score, vector, source: 'snyk' } : undefined,
    urls: pushUnique([`https://security.snyk.io/vuln/${id}`], refs),
    target: str(project.displayTargetFile) ?? str(project.targetFile) ?? str(project.projectName),
  };
}

/** Snyk repeats a vulnerability once per dependency path; one entry per id+package+version is what people act on. */
function collect(project: Record<string, any>, into: Vulnerability[], seen: Set<string>): void {
  for (const v of project.vulnerabilities) {
    if (!isObject(v)) continue;
    const vuln = toVulnerability(v, project);
    if (!vuln) continue;
    const key = `${vuln.id}\u0000${vuln.pkg}\u0000${vuln.installed}`;
    if (seen.has(key)) continue;
    seen.add(key);
    into.push(vuln);
  }
}

function imageName(project: Record<string, any>): string | undefined {
  const name = str(project.projectName) ?? str(project.path);
  return name?.replace(/^docker-image\|/, '');
}

/** Parses `snyk container test --json` output: one report per scanned image. */
export function parseSnyk(stdout: string, ctx: ParseContext = {}): ScanReport[] {
  return snykReportsFrom(parseJsonOutput(stdout, 'snyk'), ctx);
}

/** Normalises an already parsed Snyk document. */
export function snykReportsFrom(doc: unknown, ctx: ParseContext = {}): ScanReport[] {
  if (isObject(doc) && doc.ok === false && typeof doc.error === 'string' && !Array.isArray(doc.vulnerabilities)) {
    throw new ScanParseError(`snyk reported an error: ${doc.error}`);
  }
  if (!isSnykReport(doc)) throw new ScanParseError('snyk output is not Snyk JSON (no vulnerabilities[])');
  const projects: Record<string, any>[] = Array.isArray(doc) ? doc : [doc as Record<string, any>];
  const scannedAt = ctx.scannedAt ?? new Date().toISOString();
  return projects.map((p) => {
    const vulns: Vulnerability[] = [];
    const seen = new Set<string>();
    collect(p, vulns, seen);
    for (const app of Array.isArray(p.applications) ? p.applications : []) {
      if (isSnykProject(app)) collect(app, vulns, seen);
    }
    return {
      image: { reference: (projects.length === 1 ? ctx.reference : undefined) ?? imageName(p) ?? 'unknown' },
      scanner: 'snyk',
      scannedAt,
      vulns,
    };
  });
}

export const snykAdapter: ScannerAdapter = {
  id: 'snyk',
  displayName: 'Snyk',
  executable: 'snyk',
  installUrl: 'https://docs.snyk.io/cli',
  // 1 = vulnerabilities found; 2 = failure; 3 = nothing to test.
  successExitCodes: [0, 1],
  argv: snykArgv,
  parse: parseSnyk,
};
