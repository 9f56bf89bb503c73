// Which scanned image the status bar item names: one an open Dockerfile or manifest references.
import * as assert from 'assert';
import { ScanReport, statusReportFor } from '../../src/core/scan';

const report = (reference: string, scanner = 'trivy'): ScanReport => ({ image: { reference }, scanner, scannedAt: '2024-01-01T00:00:00Z', vulns: [] });

describe('status bar report', () => {
  const debian = report('debian:10');
  const alpine = report('alpine:3.10');
  const nginx = report('docker.io/library/nginx:latest');
  const reports = [debian, alpine, nginx];

  it('shows the last scan while an open file references its image', () => {
    assert.strictEqual(statusReportFor(reports, alpine, [], ['debian:10', 'alpine:3.10']), alpine);
    assert.strictEqual(statusReportFor(reports, alpine, ['debian:10'], ['alpine:3.10']), alpine, 'even when another file is in front');
  });

  it('else an image the active editor references, else one any open file references (newest first)', () => {
    assert.strictEqual(statusReportFor(reports, nginx, ['debian:10'], ['alpine:3.10']), debian);
    assert.strictEqual(statusReportFor(reports, nginx, [], ['debian:10', 'alpine:3.10']), alpine);
  });

  it('matches the spellings of one image', () => {
    assert.strictEqual(statusReportFor(reports, nginx, [], ['nginx']), nginx);
    assert.strictEqual(statusReportFor([report('docker.io/library/debian:10')], undefined, ['debian:10'], [])?.image.reference, 'docker.io/library/debian:10');
  });

  it('hides when no open file references a scanned image', () => {
    assert.strictEqual(statusReportFor(reports, alpine, [], []), undefined);
    assert.strictEqual(statusReportFor(reports, alpine, ['debian:11'], ['alpine:3.11']), undefined, 'another tag is another image');
    assert.strictEqual(statusReportFor([], undefined, ['debian:10'], []), undefined);
  });
});
