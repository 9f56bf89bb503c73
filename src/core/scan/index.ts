/** Image vulnerability scanning, pure part: scanner adapters, report import/export, the tree model. */
import { ScannerAdapter } from './adapter';
import { grypeAdapter } from './grype';
import { ScannerId } from './model';
import { scoutAdapter } from './scout';
import { snykAdapter } from './snyk';
import { trivyAdapter } from './trivy';

/** Every adapter by id, in the order `auto` tries them. */
export const SCANNERS: Readonly<Record<ScannerId, ScannerAdapter>> = {
  trivy: trivyAdapter,
  grype: grypeAdapter,
  scout: scoutAdapter,
  snyk: snykAdapter,
};

export * from './model';
export * from './adapter';
export { trivyArgv, parseTrivy, trivyAdapter } from './trivy';
export { grypeArgv, parseGrype, grypeAdapter } from './grype';
export { snykArgv, parseSnyk, snykAdapter } from './snyk';
export { scoutArgv, parseScout, scoutAdapter } from './scout';
export { parseSarif, toSarif, isSarif, parsePurl, scannerFromDriver, SARIF_SCHEMA, SARIF_VERSION } from './sarif';
export { importReport, detectReportFormat, NotAReportError, EXPECTED_REPORTS } from './importReport';
export type { ReportFormat, ReportShape } from './importReport';
export { toJson, toJsonDocument, fromShipshapeJson, streamJson, SCAN_JSON_VERSION } from './export';
export * from './tree';
export * from './images';
export * from './ignoreFiles';
export { statusReportFor } from './status';
