/**
 * Where a file stands in a Helm chart (src/node/charts.ts), decided one way for the language
 * server and the CLI: templates anywhere under a chart's templates/, and the chart that renders a
 * directory (a subchart's parent). Real directories in a temporary folder.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isChartDir, isChartTemplate, isChartTemplateSync, renderingChart, templateChartCandidates } from '../../src/node/charts';
import { ChartTemplates } from '../../src/cli/helmChart';
import { findRenderRoots } from '../../src/cli/renderCheck';
import { FileToCheck } from '../../src/cli/walk';

describe('node/charts: chart templates and the chart that renders a file', () => {
  let dir: string;
  const at = (...p: string[]) => path.join(dir, ...p);
  const chart = (...p: string[]) => { fs.mkdirSync(at(...p), { recursive: true }); fs.writeFileSync(at(...p, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 0.1.0\n'); };
  const file = (...p: string[]) => { fs.mkdirSync(path.dirname(at(...p)), { recursive: true }); fs.writeFileSync(at(...p), 'kind: ConfigMap\n'); return at(...p); };

  beforeEach(() => { dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-charts-'))); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('templateChartCandidates: the parent of every templates/ above the file, nearest first, with no file system access', () => {
    const f = path.join(path.sep, 'w', 'c', 'templates', 'a', 'templates', 'x.yaml');
    assert.deepStrictEqual(templateChartCandidates(f), [path.join(path.sep, 'w', 'c', 'templates', 'a'), path.join(path.sep, 'w', 'c')]);
    assert.deepStrictEqual(templateChartCandidates(path.join(path.sep, 'w', 'templates')), [], 'a file named templates is not under one');
    assert.deepStrictEqual(templateChartCandidates(path.join(path.sep, 'w', 'x.yaml')), []);
  });

  it('a file anywhere under a chart\'s templates/ is a template, sync and async alike; not under a templates/ without Chart.yaml beside it, nor beside a Chart.yaml directory', async () => {
    chart('c');
    const nested = file('c', 'templates', 'email', 'templates', 'pod.yaml');
    const direct = file('c', 'templates', 'pod.yaml');
    const values = file('c', 'values.yaml');
    const outside = file('other', 'templates', 'pod.yaml');
    fs.mkdirSync(at('fake', 'Chart.yaml'), { recursive: true });
    const besideDir = file('fake', 'templates', 'pod.yaml');
    for (const [f, want] of [[nested, true], [direct, true], [values, false], [outside, false], [besideDir, false]] as const) {
      assert.strictEqual(await isChartTemplate(f), want, f);
      assert.strictEqual(isChartTemplateSync(f), want, f);
      assert.strictEqual(await new ChartTemplates(dir).contains(path.relative(dir, f)), want, `the CLI's ChartTemplates: ${f}`);
    }
    assert.strictEqual(await isChartDir(at('fake')), false);
  });

  it('renderingChart: the nearest chart, then out of charts/ to the parent chart; stops at a workspace folder; undefined outside a chart', async () => {
    chart('parent');
    chart('parent', 'charts', 'sub');
    chart('parent', 'charts', 'sub', 'charts', 'leaf');
    chart('loose', 'charts', 'sub'); // charts/ under a folder that is not a chart
    file('parent', 'charts', 'sub', 'templates', 'a', 'x.yaml');
    assert.strictEqual(await renderingChart(at('parent', 'charts', 'sub', 'templates', 'a')), at('parent'));
    assert.strictEqual(await renderingChart(at('parent', 'charts', 'sub', 'charts', 'leaf')), at('parent'));
    assert.strictEqual(await renderingChart(at('loose', 'charts', 'sub')), at('loose', 'charts', 'sub'));
    assert.strictEqual(await renderingChart(at('parent', 'charts', 'sub', 'templates', 'a'), [at('parent', 'charts', 'sub', 'templates', 'a')]), undefined, 'not above a workspace folder');
    assert.strictEqual(await renderingChart(at('nowhere')), undefined);
  });

  it('the CLI renders a subchart named alone through its parent, as the editor does', async () => {
    chart('parent');
    chart('parent', 'charts', 'sub');
    const sub = file('parent', 'charts', 'sub', 'templates', 'deploy.yaml');
    const files: FileToCheck[] = [{ path: path.join('parent', 'charts', 'sub', 'Chart.yaml'), kind: 'kubernetes' }, { path: path.relative(dir, sub), kind: 'kubernetes' }];
    const roots = await findRenderRoots(files, [path.join('parent', 'charts', 'sub')], dir);
    assert.deepStrictEqual(roots.charts, [at('parent')]);
    // The subchart's Chart.yaml among the walked files, nothing named inside the chart.
    const walked = await findRenderRoots([files[0]], ['.'], dir);
    assert.deepStrictEqual(walked.charts, [at('parent')], 'a walked subchart\'s Chart.yaml');
    const loose = await findRenderRoots([], [path.join('parent', 'charts', 'sub', 'templates', 'deploy.yaml')], dir);
    assert.deepStrictEqual(loose.charts, [at('parent')], 'a template named on the command line');
  });
});
