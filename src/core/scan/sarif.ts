/**
 * SARIF 2.1.0 in both directions: reading any scanner's SARIF (Trivy, Grype, Snyk, Docker Scout,
 * our own export) into ScanReports, and writing ScanReports out as SARIF.
 */
import {
  isObject, isVulnSeverity, normalizeFixedIn, normalizeSeverity, normalizeStatus, ParseContext, parseJsonOutput, pushUnique,
  ScanParseError, ScanReport, severityFromScore, str, strings, Vulnerability, VulnSeverity,
} from './model';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
const SHIPSHAPE_DRIVER = 'Shipshape';
const SHIPSHAPE_URI = 'https://github.com/shipshape-dev/shipshape';

/** True when a parsed JSON value is a SARIF log. */
export function isSarif(doc: unknown): boolean {
  return isObject(doc) && Array.isArray(doc.runs) && (doc.version === SARIF_VERSION || /sarif/i.test(String(doc.$schema ?? '')));
}

/** Our scanner id for a SARIF driver name (`Trivy`, `grype`, `Snyk Container`, `docker scout`…). */
export function scannerFromDriver(name: string | undefined): string {
  const n = (name ?? '').toLowerCase();
  if (n.includes('trivy')) return 'trivy';
  if (n.includes('grype')) return 'grype';
  if (n.includes('snyk')) return 'snyk';
  if (n.includes('scout')) return 'scout';
  return n || 'unknown';
}

interface Purl { type: string; name: string; version?: string }

/** Reads the type, name and version of a package URL (`pkg:deb/debian/glibc@2.36-9%2Bdeb12u9?…`). */
export function parsePurl(purl: string): Purl | undefined {
  const m = /^pkg:([a-zA-Z][\w.+-]*)\/([^@?#]+)(?:@([^?#]+))?/.exec(purl);
  if (!m) return undefined;
  const segments = m[2].split('/');
  const decode = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };
  return { type: m[1].toLowerCase(), name: decode(segments[segments.length - 1]), version: m[3] ? decode(m[3]) : undefined };
}

const LEVEL_SEVERITY: Record<string, VulnSeverity> = { error: 'high', warning: 'medium', note: 'low', none: 'negligible' };

function severityOf(rule: Record<string, any>, result: Record<string, any>, props: Record<string, any>): VulnSeverity {
  if (typeof props.severity === 'string' && isVulnSeverity(props.severity)) return props.severity;
  // Scout spells its own severity in a property (UNSPECIFIED stays unknown, whatever the score says).
  if (typeof props.cvssV3_severity === 'string') return normalizeSeverity(props.cvssV3_severity);
  // Trivy tags each rule with its upper-case severity.
  for (const tag of strings(props.tags)) {
    if (/^(CRITICAL|HIGH|MEDIUM|LOW|UNKNOWN|NEGLIGIBLE)$/.test(tag)) return normalizeSeverity(tag);
  }
  const short = str(rule.shortDescription?.text) ?? '';
  const snyk = /^(critical|high|medium|low) severity\b/i.exec(short);
  if (snyk) return normalizeSeverity(snyk[1]);
  const grype = /^\S+ (critical|high|medium|low|negligible|unknown) vulnerability\b/i.exec(short);
  if (grype) return normalizeSeverity(grype[1]);
  const score = parseFloat(String(props['security-severity'] ?? ''));
  if (Number.isFinite(score)) return severityFromScore(score);
  const level = str(result.level) ?? str(rule.defaultConfiguration?.level);
  return (level && LEVEL_SEVERITY[level]) || 'unknown';
}

const ID_PATTERN = /\b(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|SNYK-[A-Z0-9-]+|GMS-\d{4}-\d+|ALAS\d*-\d{4}-\d+|DSA-\d+-\d+|RHSA-\d{4}:\d+)\b/g;

function firstLine(text: string | undefined): string | undefined {
  const l = text?.split('\n').find((x) => x.trim());
  return l?.trim();
}

function match(re: RegExp, ...texts: Array<string | undefined>): string | undefined {
  for (const t of texts) {
    const m = t ? re.exec(t) : null;
    if (m && m[1].trim()) return m[1].trim();
  }
  return undefined;
}

function locationOf(result: Record<string, any>): { uri?: string; qualifiedName?: string } {
  const loc = Array.isArray(result.locations) ? result.locations.find(isObject) : undefined;
  const uri = str(loc?.physicalLocation?.artifactLocation?.uri);
  const logical = Array.isArray(loc?.logicalLocations) ? loc.logicalLocations.find(isObject) : undefined;
  return { uri: uri ? safeDecode(uri) : undefined, qualifiedName: str(logical?.fullyQualifiedName) };
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

function toVulnerability(result: Record<string, any>, rule: Record<string, any>): Vulnerability {
  const props: Record<string, any> = { ...(isObject(rule.properties) ? rule.properties : {}), ...(isObject(result.properties) ? result.properties : {}) };
  const message = str(result.message?.text) ?? '';
  const helpText = str(rule.help?.text);
  const helpMarkdown = str(rule.help?.markdown);
  const shortText = str(rule.shortDescription?.text);
  const fullText = str(rule.fullDescription?.text);
  const ruleId = str(result.ruleId) ?? str(rule.id) ?? 'unknown';
  const { uri, qualifiedName } = locationOf(result);

  const id = str(props.vulnerabilityId) ?? match(/^Vulnerability (\S+)/m, helpText, message) ?? ruleId;
  const purl = [str(props.purl), ...strings(props.purls)].map((p) => (p ? parsePurl(p) : undefined)).find(Boolean);
  // Snyk names the package in a logical location `name@version`.
  const nameAtVersion = qualifiedName && /^([^@\s/][^@\s]*)@(\S+)$/.exec(qualifiedName);
  const grypeMessage = /package: ([^,\s]+), version (\S+)/.exec(message);
  const pkg = str(props.pkg)
    ?? match(/^Package: (.+)$/m, message)
    ?? (grypeMessage ? grypeMessage[1] : undefined)
    ?? purl?.name
    ?? (nameAtVersion ? nameAtVersion[1] : undefined)
    ?? match(/^Package: (.+)$/m, helpText)
    ?? 'unknown';
  const installed = str(props.installed)
    ?? match(/^Installed Version: (.+)$/m, message)
    ?? (grypeMessage ? grypeMessage[2] : undefined)
    ?? purl?.version
    ?? (nameAtVersion ? nameAtVersion[2] : undefined)
    ?? match(/^Version: (.+)$/m, helpText)
    ?? '';
  const fixedRaw = props.fixedIn ?? props.fixed_version ?? match(/^Fixed Version: (.*)$/m, message, helpText) ?? match(/^Fix Version: (.*)$/m, helpText);
  const fixedIn = normalizeFixedIn(fixedRaw);
  const severity = severityOf(rule, result, props);
  const scoreText = props.cvssv3_baseScore ?? props['security-severity'];
  const score = typeof scoreText === 'number' ? scoreText : parseFloat(String(scoreText ?? ''));
  const vector = str(props.cvssv3_vector);
  const title = str(props.title) ?? shortText?.replace(/^(critical|high|medium|low) severity - /i, '') ?? firstLine(message) ?? id;
  const description = str(props.description) ?? (fullText && fullText !== title ? fullText : undefined) ?? helpMarkdown;
  const aliases = pushUnique([...strings(props.aliases)], [...`${shortText ?? ''} ${fullText ?? ''}`.matchAll(ID_PATTERN)].map((m) => m[1]))
    .filter((a) => a !== id);
  const links = [...(helpMarkdown ?? '').matchAll(/\]\((https?:[^)\s]+)\)/g)].map((m) => m[1]);
  const urls = pushUnique([...strings(props.urls)], [str(rule.helpUri) ?? '', ...links]);
  const status = normalizeStatus(props.status);
  return {
    id,
    aliases,
    severity,
    pkg,
    pkgType: str(props.pkgType) ?? purl?.type,
    installed,
    fixedIn,
    status: status ?? (fixedIn ? 'fixed' : props.fixed_version === 'not fixed' ? 'affected' : undefined),
    title,
    description,
    cvss: Number.isFinite(score) || vector ? { score: Number.isFinite(score) ? score : undefined, vector } : undefined,
    urls,
    layer: str(props.layer),
    target: str(props.target) ?? uri,
    path: str(props.path),
    purl: [str(props.purl), ...strings(props.purls)].find((p) => !!p && !!parsePurl(p)),
  };
}

function imageOf(run: Record<string, any>, results: Record<string, any>[], ctx: ParseContext): ScanReport['image'] {
  const props = isObject(run.properties) ? run.properties : {};
  if (isObject(props.image) && str(props.image.reference)) {
    return { reference: ctx.reference ?? props.image.reference, digest: str(props.image.digest), id: str(props.image.id) };
  }
  const repoDigest = strings(props.repoDigests)[0];
  const automation = str(run.automationDetails?.id);
  const snykName = automation ? /docker-image\|(.+?)\/\d+\/[^/]*$/.exec(automation)?.[1] : undefined;
  const grypeName = results.map((r) => /was found in image (\S+) at/.exec(str(r.message?.text) ?? '')?.[1]).find(Boolean);
  return {
    reference: ctx.reference ?? strings(props.repoTags)[0] ?? str(props.imageName) ?? snykName ?? grypeName ?? 'unknown',
    digest: repoDigest?.includes('@') ? repoDigest.slice(repoDigest.indexOf('@') + 1) : undefined,
    id: str(props.imageID),
  };
}

/** Parses any SARIF 2.1.0 log of vulnerabilities; one report per run. */
export function parseSarif(stdout: string, ctx: ParseContext = {}, what = 'SARIF'): ScanReport[] {
  return sarifReportsFrom(parseJsonOutput(stdout, what), ctx);
}

/** Normalises an already parsed SARIF log. */
export function sarifReportsFrom(doc: unknown, ctx: ParseContext = {}): ScanReport[] {
  if (!isSarif(doc)) throw new ScanParseError('not a SARIF 2.1.0 log (no version/runs)');
  const runs = (doc as Record<string, any>).runs.filter(isObject) as Record<string, any>[];
  return runs.map((run) => {
    const driver = isObject(run.tool?.driver) ? run.tool.driver : {};
    const rules: Record<string, any>[] = Array.isArray(driver.rules) ? driver.rules.filter(isObject) : [];
    const byId = new Map<string, Record<string, any>>();
    for (const r of rules) if (str(r.id) && !byId.has(r.id)) byId.set(r.id, r);
    const results: Record<string, any>[] = Array.isArray(run.results) ? run.results.filter(isObject) : [];
    const vulns = results.map((result) => {
      const rule = (typeof result.ruleIndex === 'number' && rules[result.ruleIndex]?.id === result.ruleId ? rules[result.ruleIndex] : undefined)
        ?? byId.get(str(result.ruleId) ?? '') ?? {};
      return toVulnerability(result, rule);
    });
    const props = isObject(run.properties) ? run.properties : {};
    const invocation = Array.isArray(run.invocations) ? run.invocations.find(isObject) : undefined;
    const ours = driver.name === SHIPSHAPE_DRIVER;
    return {
      image: imageOf(run, results, ctx),
      scanner: ours && str(props.scanner) ? props.scanner : scannerFromDriver(str(driver.name)),
      scannerVersion: (ours ? str(props.scannerVersion) : undefined) ?? (ours ? undefined : str(driver.version) ?? str(driver.semanticVersion)),
      scannedAt: (ours ? str(props.scannedAt) : undefined) ?? str(invocation?.endTimeUtc) ?? str(invocation?.startTimeUtc) ?? ctx.scannedAt ?? new Date().toISOString(),
      vulns,
    };
  });
}

const REPRESENTATIVE_SCORE: Record<VulnSeverity, number> = { critical: 9.5, high: 8, medium: 5.5, low: 2, negligible: 0, unknown: 0 };

/** `security-severity` as GitHub reads it: the CVSS score when it agrees with the severity shown, else a score in that band. */
function securitySeverity(v: Vulnerability): string {
  const score = v.cvss?.score;
  if (score !== undefined && severityFromScore(score) === v.severity) return score.toFixed(1);
  return REPRESENTATIVE_SCORE[v.severity].toFixed(1);
}

function sarifLevel(s: VulnSeverity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** An image reference as a SARIF artifact URI: `:` would otherwise read as a URI scheme. */
function artifactUri(reference: string): string {
  return reference.split('/').map((s) => encodeURIComponent(s)).join('/');
}

/** SARIF 2.1.0 log of the reports, one run per report; re-importable without loss of the main fields. */
export function toSarif(reports: readonly ScanReport[], toolVersion = '0.1.0'): Record<string, unknown> {
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: reports.map((report) => {
      const rules: Record<string, unknown>[] = [];
      const ruleIndex = new Map<string, number>();
      const results = report.vulns.map((v) => {
        let index = ruleIndex.get(v.id);
        if (index === undefined) {
          index = rules.length;
          ruleIndex.set(v.id, index);
          rules.push({
            id: v.id,
            shortDescription: { text: v.title || v.id },
            fullDescription: { text: v.description || v.title || v.id },
            ...(v.urls[0] ? { helpUri: v.urls[0] } : {}),
            help: {
              text: `${v.id} (${v.severity})${v.urls.length ? `\n${v.urls.join('\n')}` : ''}`,
              markdown: `**${v.id}** (${v.severity})${v.urls.length ? `\n\n${v.urls.map((u) => `- <${u}>`).join('\n')}` : ''}`,
            },
            defaultConfiguration: { level: sarifLevel(v.severity) },
            properties: {
              'security-severity': securitySeverity(v),
              tags: ['security', 'vulnerability', v.severity],
              ...(v.cvss?.vector ? { cvssv3_vector: v.cvss.vector } : {}),
            },
          });
        }
        const fix = v.fixedIn ? `fixed in ${v.fixedIn}` : 'no fixed version';
        return {
          ruleId: v.id,
          ruleIndex: index,
          level: sarifLevel(v.severity),
          message: { text: `${v.pkg} ${v.installed} is affected by ${v.id} (${v.severity}); ${fix}` },
          locations: [{
            physicalLocation: { artifactLocation: { uri: artifactUri(report.image.reference) } },
            logicalLocations: [{ fullyQualifiedName: `${v.pkg}@${v.installed}`, kind: 'module' }],
          }],
          partialFingerprints: { 'shipshapeVulnerability/v1': `${v.id}|${v.pkg}|${v.installed}` },
          properties: {
            vulnerabilityId: v.id,
            severity: v.severity,
            pkg: v.pkg,
            installed: v.installed,
            ...(v.fixedIn ? { fixedIn: v.fixedIn } : {}),
            ...(v.pkgType ? { pkgType: v.pkgType } : {}),
            ...(v.status ? { status: v.status } : {}),
            ...(v.aliases.length ? { aliases: v.aliases } : {}),
            ...(v.layer ? { layer: v.layer } : {}),
            ...(v.target ? { target: v.target } : {}),
            ...(v.path ? { path: v.path } : {}),
            ...(v.purl ? { purl: v.purl } : {}),
          },
        };
      });
      return {
        tool: { driver: { name: SHIPSHAPE_DRIVER, informationUri: SHIPSHAPE_URI, version: toolVersion, rules } },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.scannedAt }],
        properties: {
          image: report.image,
          scanner: report.scanner,
          ...(report.scannerVersion ? { scannerVersion: report.scannerVersion } : {}),
          scannedAt: report.scannedAt,
        },
        results,
      };
    }),
  };
}

