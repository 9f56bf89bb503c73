/**
 * The scanner adapters, report import and the runner are loaded when a scan or an import runs,
 * not at activation: they bring the YAML parser (ignore files) and every adapter with them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as ScanCore from '../../core/scan';
import type * as ScanRunner from '../../node/scanRunner';

export function loadScanCore(): typeof ScanCore {
  return require('../../core/scan') as typeof ScanCore;
}

export function loadScanRunner(): typeof ScanRunner {
  return require('../../node/scanRunner') as typeof ScanRunner;
}

/** Every scanner adapter by id. */
export function loadScanners(): typeof ScanCore.SCANNERS {
  return loadScanCore().SCANNERS;
}
