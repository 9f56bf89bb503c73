/**
 * Which files sit in a Helm chart's `templates/` directory (node/charts.ts, as the language server
 * decides it). Such files are Go templates, not manifests, until `helm template` renders them,
 * however little template syntax they show.
 */
import * as path from 'path';
import { isChartDir, isChartTemplate } from '../node/charts';

export class ChartTemplates {
  /** Whether a directory holds Chart.yaml, asked once per directory. */
  private readonly charts = new Map<string, Promise<boolean>>();

  constructor(private readonly cwd: string) {}

  /** Whether `file` (relative to cwd, or absolute) is inside the templates/ directory of a chart. */
  async contains(file: string): Promise<boolean> {
    return isChartTemplate(path.resolve(this.cwd, file), (dir) => this.isChart(dir));
  }

  private isChart(dir: string): Promise<boolean> {
    let known = this.charts.get(dir);
    if (!known) this.charts.set(dir, (known = isChartDir(dir)));
    return known;
  }
}
