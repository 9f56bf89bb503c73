/**
 * Which files sit in a Helm chart's `templates/` directory: a directory named `templates` (at any
 * depth above the file) whose parent holds `Chart.yaml`. Such files are Go templates, not
 * manifests, until `helm template` renders them, however little template syntax they show.
 */
import { promises as fs } from 'fs';
import * as path from 'path';

export class ChartTemplates {
  /** Whether a directory holds Chart.yaml, asked once per directory. */
  private readonly charts = new Map<string, Promise<boolean>>();

  constructor(private readonly cwd: string) {}

  /** Whether `file` (relative to cwd, or absolute) is inside the templates/ directory of a chart. */
  async contains(file: string): Promise<boolean> {
    let dir = path.dirname(path.resolve(this.cwd, file));
    for (;;) {
      if (path.basename(dir) === 'templates' && (await this.isChart(path.dirname(dir)))) return true;
      const up = path.dirname(dir);
      if (up === dir) return false;
      dir = up;
    }
  }

  private isChart(dir: string): Promise<boolean> {
    let known = this.charts.get(dir);
    if (!known) {
      known = fs.stat(path.join(dir, 'Chart.yaml')).then((s) => s.isFile(), () => false);
      this.charts.set(dir, known);
    }
    return known;
  }
}
