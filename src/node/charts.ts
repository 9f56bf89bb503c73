/**
 * Where a file stands in a Helm chart, decided one way for the language server and the CLI.
 *
 * - A chart is a directory that holds a `Chart.yaml` file.
 * - A file is a chart template when it sits anywhere under a chart's `templates/` directory (helm
 *   renders the whole tree, `templates/a/templates/x.yaml` included).
 * - A subchart (`<chart>/charts/<sub>`) is rendered by its parent, which gives it its values: the
 *   chart a file belongs to is the outermost one reached by climbing out of `charts/` directories.
 */
import { promises as fs, statSync } from 'fs';
import * as path from 'path';

/** How far above a file a chart is looked for, and how many subchart levels are climbed out of. */
const MAX_LEVELS_UP = 16;
const MAX_SUBCHART_LEVELS = 8;

export const CHART_FILE = 'Chart.yaml';

/**
 * The directories whose `Chart.yaml` would make `file` a chart template: the parent of each
 * directory named `templates` above the file, nearest first. No file system access.
 */
export function templateChartCandidates(file: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(file);
  for (;;) {
    const up = path.dirname(dir);
    if (up === dir) return out;
    if (path.basename(dir) === 'templates') out.push(up);
    dir = up;
  }
}

/** Whether `dir` holds a Chart.yaml that is a regular file. */
export async function isChartDir(dir: string): Promise<boolean> {
  try { return (await fs.stat(path.join(dir, CHART_FILE))).isFile(); } catch { return false; }
}

/** `isChartDir`, synchronously (the language server's check before it analyses a document). */
export function isChartDirSync(dir: string): boolean {
  try { return statSync(path.join(dir, CHART_FILE)).isFile(); } catch { return false; }
}

/** Whether `file` is a chart template (see the module's comment); `isChart` may cache. */
export async function isChartTemplate(file: string, isChart: (dir: string) => Promise<boolean> = isChartDir): Promise<boolean> {
  for (const dir of templateChartCandidates(file)) if (await isChart(dir)) return true;
  return false;
}

/** `isChartTemplate` with a synchronous check of a directory. */
export function isChartTemplateSync(file: string, isChart: (dir: string) => boolean = isChartDirSync): boolean {
  return templateChartCandidates(file).some(isChart);
}

/**
 * The chart that renders what is in directory `dir`: the nearest directory at or above it that
 * holds Chart.yaml (not above a directory of `stopAt`, the workspace folders), then out of each
 * `charts/` directory whose parent is a chart. Undefined outside any chart.
 */
export async function renderingChart(dir: string, stopAt: readonly string[] = [], isChart: (dir: string) => Promise<boolean> = isChartDir): Promise<string | undefined> {
  let chart: string | undefined;
  for (let i = 0; i < MAX_LEVELS_UP; i++) {
    if (await isChart(dir)) { chart = dir; break; }
    const up = path.dirname(dir);
    if (up === dir || stopAt.includes(dir)) break;
    dir = up;
  }
  if (!chart) return undefined;
  for (let i = 0; i < MAX_SUBCHART_LEVELS; i++) {
    const parent = path.dirname(chart);
    if (path.basename(parent) !== 'charts' || !(await isChart(path.dirname(parent)))) break;
    chart = path.dirname(parent);
  }
  return chart;
}
