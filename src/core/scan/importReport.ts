/** "Open Scan Report…": recognise a report file written by any supported tool and normalise it. */
import { grypeReportFrom, isGrypeReport } from './grype';
import { isObject, ParseContext, parseJsonOutput, ScanParseError, ScanReport } from './model';
import { isSarif, sarifReportsFrom } from './sarif';
import { isSnykReport, snykReportsFrom } from './snyk';
import { isTrivyReport, trivyReportFrom } from './trivy';
import { fromShipshapeJson, isShipshapeJson } from './export';

export type ReportFormat = 'trivy' | 'grype' | 'snyk' | 'sarif' | 'shipshape';

/** Which format a parsed JSON document is in, or undefined. */
export function detectReportFormat(doc: unknown): ReportFormat | undefined {
  if (isSarif(doc)) return 'sarif';
  if (isShipshapeJson(doc)) return 'shipshape';
  if (isTrivyReport(doc)) return 'trivy';
  if (isGrypeReport(doc)) return 'grype';
  if (isSnykReport(doc)) return 'snyk';
  return undefined;
}

/** Parses a report file's text (Trivy JSON, Grype JSON, Snyk JSON, any SARIF 2.1.0, our JSON export). */
export function importReport(text: string, ctx: ParseContext = {}): { format: ReportFormat; reports: ScanReport[] } {
  const doc = parseJsonOutput(text, 'the report file');
  const format = detectReportFormat(doc);
  switch (format) {
    case 'sarif': return { format, reports: sarifReportsFrom(doc, ctx) };
    case 'shipshape': return { format, reports: fromShipshapeJson(doc) };
    case 'trivy': return { format, reports: [trivyReportFrom(doc, ctx)] };
    case 'grype': return { format, reports: [grypeReportFrom(doc, ctx)] };
    case 'snyk': return { format, reports: snykReportsFrom(doc, ctx) };
    default: {
      const keys = isObject(doc) ? Object.keys(doc).slice(0, 6).join(', ') : Array.isArray(doc) ? 'an array' : typeof doc;
      throw new ScanParseError(`unrecognised report format (top level: ${keys || 'empty'}); expected Trivy JSON, Grype JSON, Snyk JSON or SARIF 2.1.0`);
    }
  }
}
