/** Which scan report the status bar item summarises: the image of one the user has open. */
import { imageKey } from '../imageRef';
import type { ScanReport } from './model';

/**
 * The report to show, given the image references of the open documents (`active`: those of the
 * editor in front, `open`: those of every open Dockerfile/manifest, as written in the files): the
 * last scanned report when its image is referenced in an open document, else the newest report
 * of an image the active editor references, else the newest of one any open document
 * references; undefined when no scanned image is referenced, so the item hides.
 */
export function statusReportFor(
  reports: readonly ScanReport[], last: ScanReport | undefined, active: readonly string[], open: readonly string[],
): ScanReport | undefined {
  const activeKeys = new Set(active.map(imageKey));
  const openKeys = new Set([...open.map(imageKey), ...activeKeys]);
  const key = (r: ScanReport) => imageKey(r.image.reference);
  if (last && openKeys.has(key(last))) return last;
  const newestFirst = [...reports].reverse();
  return newestFirst.find((r) => activeKeys.has(key(r))) ?? newestFirst.find((r) => openKeys.has(key(r)));
}
