/** Docker Scout: `docker scout cves --format sarif REF`, read with the SARIF parser. */
import { assertImageRef, ScannerAdapter } from './adapter';
import { ParseContext, ScanOptions, ScanReport, VulnSeverity } from './model';
import { parseSarif } from './sarif';

const SCOUT_SEVERITY: Partial<Record<VulnSeverity, string>> = {
  critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'unspecified',
};

/** argv for the `docker` executable running the Scout plugin. */
export function scoutArgv(ref: string, options: ScanOptions = {}): string[] {
  assertImageRef(ref);
  const args = ['scout', 'cves', '--format', 'sarif'];
  const sev = (options.severities ?? []).map((s) => SCOUT_SEVERITY[s]).filter((s): s is string => !!s);
  if (sev.length) args.push('--only-severity', sev.join(','));
  if (options.ignoreUnfixed) args.push('--only-fixed');
  args.push(ref);
  return args;
}

/** Parses Scout's SARIF; the scanner is reported as `scout` whatever the driver calls itself. */
export function parseScout(stdout: string, ctx: ParseContext = {}): ScanReport[] {
  return parseSarif(stdout, ctx, 'docker scout').map((r) => ({ ...r, scanner: 'scout' }));
}

export const scoutAdapter: ScannerAdapter = {
  id: 'scout',
  displayName: 'Docker Scout',
  executable: 'docker',
  installUrl: 'https://docs.docker.com/scout/',
  successExitCodes: [0],
  argv: scoutArgv,
  parse: parseScout,
};
