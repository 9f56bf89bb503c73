import { promises as fs } from 'fs';
import * as path from 'path';
import {
  atLeast, countBySeverity, filterReport, filterVulns, importReport, isVulnSeverity, ScannerId, ScanReport, SCANNER_IDS,
  sortVulns, summarizeCounts, toJson, toSarif, VulnFilter, VulnSeverity, VULN_SEVERITIES,
} from '../../core/scan';
import { ScanError, ScannerChoice, scanImage, ToolPaths } from '../../node/scanRunner';
import { CliCommand, CliIO, EXIT, UsageError, parseCommandLine } from '../io';
import { VERSION } from '../version';

const DEFAULT_TIMEOUT_SECONDS = 600;

const USAGE = `Usage: shipshape scan REF [options]
       shipshape scan --report FILE [options]

Scans an image for known vulnerabilities with the scanner you have installed (Trivy, Grype,
Docker Scout or Snyk), or normalises a report file they wrote (Trivy/Grype/Snyk JSON, any SARIF).

Options:
  --scanner trivy|grype|scout|snyk|auto   which scanner to run (default: auto, the first installed)
  --severity LIST            keep only these severities, e.g. critical,high
  --ignore-unfixed           keep only vulnerabilities with a fixed version
  --format text|json|sarif   output format (default: text)
  --fail-on SEVERITY         exit 1 when a vulnerability is at or above: ${VULN_SEVERITIES.join('|')}|none (default: high)
  --timeout SECONDS          stop the scanner after this long (default: ${DEFAULT_TIMEOUT_SECONDS})
  --report FILE              read a report file instead of scanning (repeatable)

Scanner executables come from SHIPSHAPE_TRIVY_PATH, SHIPSHAPE_GRYPE_PATH, SHIPSHAPE_DOCKER_PATH,
SHIPSHAPE_SNYK_PATH when set, else from PATH.
Exit codes: 0 nothing at or above --fail-on, 1 vulnerabilities at or above it, 2 usage, I/O or tool error.`;

/** `--severity critical,high` as a list of our severities. */
export function parseSeverityList(value: string | undefined): VulnSeverity[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((s) => !isVulnSeverity(s));
  if (bad.length || !list.length) throw new UsageError(`--severity takes a comma-separated list of ${VULN_SEVERITIES.join(', ')} (got '${value}')`);
  return list as VulnSeverity[];
}

function parseScanFailOn(value: string | undefined): VulnSeverity | 'none' {
  const v = (value ?? 'high').toLowerCase();
  if (v === 'none' || isVulnSeverity(v)) return v;
  throw new UsageError(`--fail-on must be one of ${[...VULN_SEVERITIES, 'none'].join(', ')} (got '${value}')`);
}

function parseScanner(value: string | undefined): ScannerChoice {
  const v = (value ?? 'auto').toLowerCase();
  if (v === 'auto' || (SCANNER_IDS as readonly string[]).includes(v)) return v as ScannerChoice;
  throw new UsageError(`--scanner must be one of ${[...SCANNER_IDS, 'auto'].join(', ')} (got '${value}')`);
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout takes a positive number of seconds (got '${value}')`);
  return Math.round(n * 1000);
}

/** Tool paths from `SHIPSHAPE_<TOOL>_PATH`. */
export function toolPathsFromEnv(env: NodeJS.ProcessEnv): ToolPaths {
  const pick = (name: string): string | undefined => env[`SHIPSHAPE_${name}_PATH`] || undefined;
  return { trivy: pick('TRIVY'), grype: pick('GRYPE'), docker: pick('DOCKER'), snyk: pick('SNYK'), podman: pick('PODMAN') };
}

const COLOURS: Record<VulnSeverity, string> = {
  critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', negligible: '\x1b[2m', unknown: '\x1b[2m',
};
const RESET = '\x1b[0m';

/** A table per report, most severe first. */
export function formatScanText(reports: readonly ScanReport[], colour: boolean): string {
  const paint = (s: VulnSeverity, t: string): string => (colour ? `${COLOURS[s]}${t}${RESET}` : t);
  const bold = (t: string): string => (colour ? `\x1b[1m${t}${RESET}` : t);
  let out = '';
  for (const r of reports) {
    const tool = `${r.scanner}${r.scannerVersion ? ` ${r.scannerVersion}` : ''}`;
    out += `${bold(r.image.reference)} (${tool}, ${r.scannedAt})\n`;
    const vulns = sortVulns(r.vulns);
    const idWidth = Math.min(28, Math.max(4, ...vulns.map((v) => v.id.length)));
    const pkgWidth = Math.min(48, Math.max(4, ...vulns.map((v) => `${v.pkg} ${v.installed}`.length)));
    for (const v of vulns) {
      const fix = v.fixedIn ? `→ ${v.fixedIn}` : '(no fix)';
      out += `  ${paint(v.severity, v.severity.toUpperCase().padEnd(10))} ${v.id.padEnd(idWidth)} ${`${v.pkg} ${v.installed}`.padEnd(pkgWidth)} ${fix}  ${v.title}\n`;
    }
    const n = r.vulns.length;
    out += `${n} vulnerabilit${n === 1 ? 'y' : 'ies'}${n ? ` (${summarizeCounts(countBySeverity(r.vulns))})` : ''}\n\n`;
  }
  return out || 'No reports.\n';
}

async function readReports(io: CliIO, files: string[], reference: string | undefined): Promise<ScanReport[]> {
  const reports: ScanReport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(path.resolve(io.cwd, file), 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      reports.push(...importReport(text, { reference }).reports);
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message}`);
    }
  }
  return reports;
}

/** Runs `fn` with an AbortSignal that Ctrl-C trips: the scanner runs in its own process group and would not see SIGINT. */
async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'scan an image for vulnerabilities with Trivy, Grype, Docker Scout or Snyk',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      scanner: { type: 'string' },
      severity: { type: 'string' },
      'ignore-unfixed': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
      timeout: { type: 'string' },
      report: { type: 'string', multiple: true },
    }, USAGE);
    const { values, positionals } = parsed;
    const format = values.format!;
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif (got '${format}')`);
    const scanner = parseScanner(values.scanner);
    const severities = parseSeverityList(values.severity);
    const failOn = parseScanFailOn(values['fail-on']);
    const timeoutMs = parseTimeout(values.timeout);
    const reportFiles = values.report ?? [];
    const filter: VulnFilter = { severities, fixableOnly: values['ignore-unfixed'] };

    let reports: ScanReport[];
    if (reportFiles.length) {
      if (positionals.length) throw new UsageError(`give either an image REF or --report FILE, not both\n\n${USAGE}`);
      reports = (await readReports(io, reportFiles, undefined)).map((r) => filterReport(r, filter));
    } else {
      if (positionals.length !== 1) throw new UsageError(`${positionals.length ? 'scan one image at a time' : 'no image REF given'}\n\n${USAGE}`);
      const ref = positionals[0];
      try {
        reports = await withInterrupt((signal) => scanImage(ref, {
          scanner: scanner as ScannerId | 'auto',
          severities,
          ignoreUnfixed: values['ignore-unfixed'],
          timeoutMs,
          signal,
          env: io.env,
          cwd: io.cwd,
          toolPaths: toolPathsFromEnv(io.env),
        }));
      } catch (e) {
        if (e instanceof ScanError && e.code === 'CANCELLED') {
          io.stderr('shipshape scan: cancelled\n');
          return 130;
        }
        throw e;
      }
    }

    if (format === 'json') io.stdout(toJson(reports));
    else if (format === 'sarif') io.stdout(`${JSON.stringify(toSarif(reports, VERSION), null, 2)}\n`);
    else io.stdout(formatScanText(reports, io.isTTY));

    if (failOn === 'none') return EXIT.ok;
    const failing = reports.some((r) => filterVulns(r.vulns, filter).some((v) => atLeast(v.severity, failOn)));
    return failing ? EXIT.findings : EXIT.ok;
  },
};
