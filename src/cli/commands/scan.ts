import { MAX_REPORT_BYTES } from '../../core/limits';
import {
  atLeast, countBySeverity, filterReport, filterVulns, importReport, isVulnSeverity, ScannerId, ScanReport, SCANNER_IDS,
  sortVulns, streamJson, toJsonDocument, toSarif, VulnFilter, VulnSeverity, VULN_SEVERITIES,
} from '../../core/scan';
import { MAX_TIMER_MS } from '../../node/process';
import { ScanError, ScannerChoice, scanImage, ToolPaths } from '../../node/scanRunner';
import { CliCommand, CliIO, errorWords, EXIT, UsageError, fileProblemText, mustBeOneOf, parseCommandLine, readInputFile, withUsage } from '../io';
import { Arg, english, frag } from '../../core/l10n/text';
import { listOf, Locale, say } from '../l10n';
import { escapeJsonControls, forTerminal } from '../sanitize';
import { VERSION } from '../version';

const DEFAULT_TIMEOUT_SECONDS = 600;
/** Node's timers hold at most 2^31 - 1 ms; a longer timeout would fire at once. */
const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

const USAGE_TEXT = frag('cli.usage.scan', `Usage: shipshape scan REF [options]
       shipshape scan --report FILE [options]

Scans an image for known vulnerabilities with the scanner you have installed (Trivy, Grype,
Docker Scout or Snyk), or normalises a report file they wrote (Trivy/Grype/Snyk JSON, any SARIF).

Options:
  --scanner trivy|grype|scout|snyk|auto   which scanner to run (default: auto, the first installed)
  --severity LIST            keep only these severities, e.g. critical,high
  --ignore-unfixed           keep only vulnerabilities with a fixed version
  --format text|json|sarif   output format (default: text)
  --fail-on SEVERITY         exit 1 when a vulnerability is at or above: {severities}|none (default: high)
  --timeout SECONDS          stop the scanner after this long (default: {timeout}, at most {maxTimeout})
  --report FILE              read a report file instead of scanning (repeatable; a regular file of at most {maxReport} MiB)

Scanner output is capped at 128 MiB. The scanner runs with an empty configuration of Shipshape's
(trivy --config, grype --config), so a trivy.yaml or .grype.yaml in the working directory does not
change the scan; .trivyignore, the ignore rules of .grype.yaml and Snyk's .snyk are honoured.

Scanner executables come from SHIPSHAPE_TRIVY_PATH, SHIPSHAPE_GRYPE_PATH, SHIPSHAPE_DOCKER_PATH,
SHIPSHAPE_SNYK_PATH when set, else from PATH.
Exit codes: 0 nothing at or above --fail-on, 1 vulnerabilities at or above it, 2 usage, I/O or tool error.`, { severities: VULN_SEVERITIES.join('|'), timeout: DEFAULT_TIMEOUT_SECONDS, maxTimeout: MAX_TIMEOUT_SECONDS, maxReport: MAX_REPORT_BYTES / (1024 * 1024) });
const USAGE = english(USAGE_TEXT);

/** `--severity critical,high` as a list of our severities. */
export function parseSeverityList(value: string | undefined): VulnSeverity[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((s) => !isVulnSeverity(s));
  if (bad.length || !list.length) throw new UsageError(frag('cli.scan.severity-list', "--severity takes a comma-separated list of {allowed} (got '{value}')", { allowed: VULN_SEVERITIES.join(', '), value }));
  return list as VulnSeverity[];
}

function parseScanFailOn(value: string | undefined): VulnSeverity | 'none' {
  const v = (value ?? 'high').toLowerCase();
  if (v === 'none' || isVulnSeverity(v)) return v;
  throw new UsageError(mustBeOneOf('--fail-on', [...VULN_SEVERITIES, 'none'], value));
}

function parseScanner(value: string | undefined): ScannerChoice {
  const v = (value ?? 'auto').toLowerCase();
  if (v === 'auto' || (SCANNER_IDS as readonly string[]).includes(v)) return v as ScannerChoice;
  throw new UsageError(mustBeOneOf('--scanner', [...SCANNER_IDS, 'auto'], value));
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(frag('cli.scan.timeout-positive', "--timeout takes a positive number of seconds (got '{value}')", { value: forTerminal(value) }));
  if (n > MAX_TIMEOUT_SECONDS) throw new UsageError(frag('cli.scan.timeout-max', "--timeout takes at most {max} seconds (about 24 days; got '{value}')", { max: MAX_TIMEOUT_SECONDS, value: forTerminal(value) }));
  return Math.max(1, Math.round(n * 1000));
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
export function formatScanText(reports: readonly ScanReport[], colour: boolean, locale: Locale = 'en'): string {
  let out = '';
  writeScanText(reports, colour, (t) => { out += t; }, undefined, locale);
  return out;
}

/**
 * Writes the text table in pieces (a report can hold hundreds of thousands of vulnerabilities).
 * Every value from the report is stripped of control characters before our colours are added.
 */
export function writeScanText(reports: readonly ScanReport[], colour: boolean, write: (text: string) => void, chunkSize = 1 << 16, locale: Locale = 'en'): void {
  const noFix = say(locale, frag('cli.scan.no-fix', '(no fix)'));
  const paint = (s: VulnSeverity, t: string): string => (colour ? `${COLOURS[s]}${t}${RESET}` : t);
  const bold = (t: string): string => (colour ? `\x1b[1m${t}${RESET}` : t);
  let out = '';
  const emit = (t: string): void => {
    out += t;
    if (out.length >= chunkSize) { write(out); out = ''; }
  };
  for (const r of reports) {
    const tool = forTerminal(`${r.scanner}${r.scannerVersion ? ` ${r.scannerVersion}` : ''}`);
    emit(`${bold(forTerminal(r.image.reference))} (${tool}, ${forTerminal(r.scannedAt)})\n`);
    const vulns = sortVulns(r.vulns);
    // Loops, not Math.max(...list): a spread of 200 000 arguments overflows the stack.
    let idWidth = 4;
    let pkgWidth = 4;
    for (const v of vulns) {
      idWidth = Math.max(idWidth, v.id.length);
      pkgWidth = Math.max(pkgWidth, v.pkg.length + 1 + v.installed.length);
    }
    idWidth = Math.min(28, idWidth);
    pkgWidth = Math.min(48, pkgWidth);
    for (const v of vulns) {
      const fix = v.fixedIn ? `→ ${forTerminal(v.fixedIn)}` : noFix;
      emit(`  ${paint(v.severity, v.severity.toUpperCase().padEnd(10))} ${forTerminal(v.id).padEnd(idWidth)} ${forTerminal(`${v.pkg} ${v.installed}`).padEnd(pkgWidth)} ${fix}  ${forTerminal(v.title)}\n`);
    }
    const n = r.vulns.length;
    const counted = n === 1 ? frag('cli.scan.vulnerability', '{n} vulnerability', { n }) : frag('cli.scan.vulnerabilities', '{n} vulnerabilities', { n });
    emit(`${say(locale, n ? frag('cli.scan.counts', '{count} ({bySeverity})', { count: counted, bySeverity: severityCounts(countBySeverity(r.vulns)) }) : counted)}\n\n`);
  }
  if (!reports.length) emit(`${say(locale, frag('cli.scan.no-reports', 'No reports.'))}\n`);
  if (out) write(out);
}

/** `2 critical, 1 high` (the non-zero counts, most severe first) in the locale, as `check` says its counts. */
function severityCounts(counts: Record<VulnSeverity, number>): Arg {
  return listOf(VULN_SEVERITIES.filter((s) => counts[s] > 0).map((s) => frag('cli.summary.severity-count', '{n} {severity}', { n: counts[s], severity: s })));
}

/** JSON (ours) to stdout in pieces, with the controls a terminal would act on escaped. */
function writeJson(io: CliIO, value: unknown): void {
  streamJson(value, (chunk) => io.stdout(escapeJsonControls(chunk)));
  io.stdout('\n');
}

async function readReports(io: CliIO, files: string[], reference: string | undefined): Promise<ScanReport[]> {
  const reports: ScanReport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readInputFile(io, file, MAX_REPORT_BYTES);
    } catch (e) {
      throw new UsageError(frag('cli.cannot-read', 'cannot read {problem}', { problem: fileProblemText(file, e) }));
    }
    try {
      for (const r of importReport(text, { reference }).reports) reports.push(r);
    } catch (e) {
      throw new UsageError(frag('files.problem', '{file}: {reason}', { file, reason: errorWords(e) }));
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
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(args, {
      scanner: { type: 'string' },
      severity: { type: 'string' },
      'ignore-unfixed': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
      timeout: { type: 'string' },
      report: { type: 'string', multiple: true },
    }, USAGE_TEXT);
    const { values, positionals } = parsed;
    const format = values.format!;
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(frag('cli.format.text-json-sarif', "--format must be text, json or sarif (got '{value}')", { value: format }));
    const scanner = parseScanner(values.scanner);
    const severities = parseSeverityList(values.severity);
    const failOn = parseScanFailOn(values['fail-on']);
    const timeoutMs = parseTimeout(values.timeout);
    const reportFiles = values.report ?? [];
    const filter: VulnFilter = { severities, fixableOnly: values['ignore-unfixed'] };

    let reports: ScanReport[];
    if (reportFiles.length) {
      if (positionals.length) throw new UsageError(withUsage(frag('cli.scan.ref-or-report', 'give either an image REF or --report FILE, not both'), USAGE_TEXT));
      reports = (await readReports(io, reportFiles, undefined)).map((r) => filterReport(r, filter));
    } else {
      if (positionals.length !== 1) throw new UsageError(withUsage(positionals.length ? frag('cli.scan.one-image', 'scan one image at a time') : frag('cli.scan.no-ref', 'no image REF given'), USAGE_TEXT));
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
          io.stderr(`shipshape scan: ${say(io.locale ?? 'en', frag('cli.cancelled', 'cancelled'))}\n`);
          return 130;
        }
        throw e;
      }
    }

    if (format === 'json') writeJson(io, toJsonDocument(reports));
    else if (format === 'sarif') writeJson(io, toSarif(reports, VERSION));
    else writeScanText(reports, io.isTTY, (t) => io.stdout(t), undefined, io.locale ?? 'en');

    if (failOn === 'none') return EXIT.ok;
    const failing = reports.some((r) => filterVulns(r.vulns, filter).some((v) => atLeast(v.severity, failOn)));
    return failing ? EXIT.findings : EXIT.ok;
  },
};
