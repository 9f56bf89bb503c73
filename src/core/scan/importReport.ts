/** "Open Scan Report…": recognise a report file written by any supported tool and normalise it. */
import { grypeReportFrom, isGrypeReport } from './grype';
import { isObject, ParseContext, ScanParseError, ScanReport } from './model';
import { isSarif, sarifReportsFrom } from './sarif';
import { isSnykReport, snykReportsFrom } from './snyk';
import { isTrivyReport, trivyReportFrom } from './trivy';
import { fromShipshapeJson, isShipshapeJson } from './export';
import { frag, Text } from '../l10n/text';

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

/** What a file that is not a scan report looks like, for the message that says so. */
export type ReportShape =
  | { kind: 'empty' }
  | { kind: 'not-json'; start: string }
  | { kind: 'object'; keys: string[] }
  | { kind: 'array'; length: number }
  | { kind: 'value'; type: 'string' | 'number' | 'boolean' | 'null' };

/** The formats "Open Scan Report" reads, in the words of the messages. */
export const EXPECTED_REPORTS_TEXT = frag('scan.report.expected', 'Trivy JSON, Grype JSON, Snyk JSON or SARIF 2.1.0 (which Docker Scout writes)');
export const EXPECTED_REPORTS = EXPECTED_REPORTS_TEXT.en;

/** A file that is none of the report formats: `shape` says what it is instead. */
export class NotAReportError extends ScanParseError {
  constructor(readonly shape: ReportShape) {
    super(NotAReportError.describe(shape));
    this.name = 'NotAReportError';
  }

  private static describe(shape: ReportShape): Text {
    const expected = EXPECTED_REPORTS_TEXT;
    switch (shape.kind) {
      case 'empty': return frag('scan.report.empty', 'the report file is empty; expected {expected}', { expected });
      case 'not-json': return frag('scan.report.not-json', 'the report file is not JSON (expected {expected}); it starts with: {start}', { expected, start: shape.start });
      case 'object': return shape.keys.length
        ? frag('scan.report.object', 'unrecognised report format (top level: {keys}); expected {expected}', { keys: shape.keys.join(', '), expected })
        : frag('scan.report.empty-object', 'unrecognised report format (top level: empty); expected {expected}', { expected });
      case 'array': return frag('scan.report.array', 'unrecognised report format (top level: an array of {length}); expected {expected}', { length: shape.length, expected });
      default: return frag('scan.report.value', 'unrecognised report format (top level: {type}); expected {expected}', { type: shape.type, expected });
    }
  }
}

const MAX_SHAPE_KEYS = 6;
const MAX_KEY_LENGTH = 200;

function shapeOf(doc: unknown): ReportShape {
  if (Array.isArray(doc)) return { kind: 'array', length: doc.length };
  if (isObject(doc)) {
    const keys = Object.keys(doc).slice(0, MAX_SHAPE_KEYS).map((k) => (k.length > MAX_KEY_LENGTH ? `${k.slice(0, MAX_KEY_LENGTH - 1)}…` : k));
    return { kind: 'object', keys };
  }
  return { kind: 'value', type: doc === null ? 'null' : (typeof doc as 'string' | 'number' | 'boolean') };
}

/**
 * Parses a report file's text (Trivy JSON, Grype JSON, Snyk JSON, any SARIF 2.1.0, our JSON
 * export). A text in none of them throws a NotAReportError saying what it looks like.
 */
export function importReport(text: string, ctx: ParseContext = {}): { format: ReportFormat; reports: ScanReport[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) throw new NotAReportError({ kind: 'empty' });
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new NotAReportError({ kind: 'not-json', start: body.trimStart().slice(0, 60).replace(/\s+/g, ' ').trimEnd() });
  }
  const format = detectReportFormat(doc);
  switch (format) {
    case 'sarif': return { format, reports: sarifReportsFrom(doc, ctx) };
    case 'shipshape': return { format, reports: fromShipshapeJson(doc) };
    case 'trivy': return { format, reports: [trivyReportFrom(doc, ctx)] };
    case 'grype': return { format, reports: [grypeReportFrom(doc, ctx)] };
    case 'snyk': return { format, reports: snykReportsFrom(doc, ctx) };
    default: throw new NotAReportError(shapeOf(doc));
  }
}
