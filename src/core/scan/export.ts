/** The CLI's `--format json` document, and reading it back. */
import { countBySeverity } from './tree';
import { isObject, isVulnSeverity, ScanParseError, ScanReport, str, strings, Vulnerability } from './model';

/** Version of the JSON document shape; bumped on incompatible changes. */
export const SCAN_JSON_VERSION = 1;

/** `{"version":1,"reports":[{image, scanner, …, counts, vulns:[{id, severity, pkg, installed, fixedIn, …}]}]}`. */
export function toJsonDocument(reports: readonly ScanReport[]): Record<string, unknown> {
  return {
    version: SCAN_JSON_VERSION,
    reports: reports.map((r) => ({
      image: r.image,
      scanner: r.scanner,
      ...(r.scannerVersion ? { scannerVersion: r.scannerVersion } : {}),
      scannedAt: r.scannedAt,
      counts: countBySeverity(r.vulns),
      // fixedIn is always present (null when there is no fix) so consumers need no existence check.
      vulns: r.vulns.map((v) => ({ ...v, fixedIn: v.fixedIn ?? null })),
    })),
  };
}

/** The JSON document as text (two-space indent, trailing newline). */
export function toJson(reports: readonly ScanReport[]): string {
  return `${JSON.stringify(toJsonDocument(reports), null, 2)}\n`;
}

/** True when a parsed JSON value is our own export. */
export function isShipshapeJson(doc: unknown): boolean {
  return isObject(doc) && doc.version === SCAN_JSON_VERSION && Array.isArray(doc.reports)
    && doc.reports.every((r: unknown) => isObject(r) && isObject(r.image) && Array.isArray(r.vulns));
}

/** Reads our own export back into ScanReports. */
export function fromShipshapeJson(doc: unknown): ScanReport[] {
  if (!isShipshapeJson(doc)) throw new ScanParseError('not a Shipshape scan JSON document');
  return (doc as { reports: Record<string, any>[] }).reports.map((r) => ({
    image: { reference: str(r.image.reference) ?? 'unknown', digest: str(r.image.digest), id: str(r.image.id) },
    scanner: str(r.scanner) ?? 'unknown',
    scannerVersion: str(r.scannerVersion),
    scannedAt: str(r.scannedAt) ?? new Date().toISOString(),
    vulns: (r.vulns as unknown[]).filter(isObject).map((v): Vulnerability => ({
      ...(v as Vulnerability),
      id: str(v.id) ?? 'unknown',
      aliases: strings(v.aliases),
      severity: typeof v.severity === 'string' && isVulnSeverity(v.severity) ? v.severity : 'unknown',
      pkg: str(v.pkg) ?? 'unknown',
      installed: typeof v.installed === 'string' ? v.installed : '',
      fixedIn: str(v.fixedIn),
      title: str(v.title) ?? str(v.id) ?? 'unknown',
      urls: strings(v.urls),
      path: str(v.path),
      purl: str(v.purl),
    })),
  }));
}

/**
 * Serialises `value` exactly as `JSON.stringify(value, null, indent)` would, handing the text to
 * `write` in pieces of about `chunkSize` characters: a report with hundreds of thousands of
 * vulnerabilities turns into SARIF larger than the longest string JavaScript can hold.
 */
export function streamJson(value: unknown, write: (text: string) => void, indent = 2, chunkSize = 1 << 20, WHOLE_DEPTH = 4): void {
  let buffer = '';
  const emit = (text: string): void => {
    buffer += text;
    if (buffer.length >= chunkSize) {
      write(buffer);
      buffer = '';
    }
  };
  const pad = ' '.repeat(indent);
  const visit = (v: unknown, depth: number, inArray: boolean): boolean => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(): unknown }).toJSON();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      if (!inArray) return false;
      emit('null');
      return true;
    }
    if (v === null || typeof v !== 'object') {
      emit(JSON.stringify(v) ?? 'null');
      return true;
    }
    // An item of a list deep enough to be one vulnerability, rule or result: serialised whole
    // (fast), then indented to its depth, which is what the nested serialisation would write.
    if (inArray && depth >= WHOLE_DEPTH) {
      const whole = JSON.stringify(v, null, indent);
      emit(indent && depth ? whole.replace(/\n/g, `\n${pad.repeat(depth)}`) : whole);
      return true;
    }
    const inner = indent ? `\n${pad.repeat(depth + 1)}` : '';
    const close = indent ? `\n${pad.repeat(depth)}` : '';
    if (Array.isArray(v)) {
      if (v.length === 0) { emit('[]'); return true; }
      emit('[');
      for (let i = 0; i < v.length; i++) {
        emit(i ? `,${inner}` : inner);
        visit(v[i], depth + 1, true);
      }
      emit(`${close}]`);
      return true;
    }
    let first = true;
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key];
      let resolved = item;
      if (resolved !== null && typeof resolved === 'object' && typeof (resolved as { toJSON?: unknown }).toJSON === 'function') resolved = (resolved as { toJSON(): unknown }).toJSON();
      if (resolved === undefined || typeof resolved === 'function' || typeof resolved === 'symbol') continue;
      emit(`${first ? '{' : ','}${inner}${JSON.stringify(key)}:${indent ? ' ' : ''}`);
      first = false;
      visit(resolved, depth + 1, false);
    }
    emit(first ? '{}' : `${close}}`);
    return true;
  };
  visit(value, 0, false);
  if (buffer) write(buffer);
}
