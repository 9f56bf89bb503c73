import { Fix, Rule } from '../../model';
import { PackageInvocation, packageInvocations } from '../commands';
import { DockerfileModel, RunCommand } from '../model';
import { fixTitle, msg } from '../../l10n/text';

const INSTALL_ACTIONS = new Set(['install', 'upgrade', 'source-install', 'reinstall', 'groupinstall', 'localinstall', 'add', 'in', 'dist-upgrade', 'full-upgrade']);

/** DS-0017 / CIS-4.7: a package-index update without an install in the same RUN. */
export const updateAlone: Rule<DockerfileModel> = {
  id: 'docker-update-alone',
  title: 'Package update without install in the same RUN',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0017', 'CIS-4.7'],
  description:
    'The layer cache keeps an `update`-only RUN forever: later installs reuse the stale package index and pull outdated, possibly vulnerable versions, or fail when the mirror has moved on.',
  remediation: 'Update and install in the same RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg`.',
  check(model, report) {
    // Invocations come in document order, so those of one RUN are consecutive.
    const all = packageInvocations(model);
    let byRun: Map<unknown, PackageInvocation[]> | undefined;
    for (let i = 0; i < all.length; i++) {
      const p = all[i];
      if (!isIndexUpdate(p)) continue;
      let installedLater = false;
      for (let j = i + 1; j < all.length && all[j].run === p.run && !installedLater; j++) {
        const action = all[j].action;
        installedLater = !!action && INSTALL_ACTIONS.has(action.text);
      }
      if (installedLater) continue;
      byRun ??= groupByRun(all);
      const merge = mergeWithNextInstall(model, p, byRun);
      report({
        range: model.lines.rangeOf(p.words[0].start, p.action!.end),
        fixes: merge ? [merge] : [],
        ...msg('docker.updateAlone.run-in-the-same', 'Run "{program} {action}" in the same RUN as the install that needs it, or remove it.', { program: p.program, action: String(p.action?.text) }),
      });
    }
  },
};

function groupByRun(all: readonly PackageInvocation[]): Map<unknown, PackageInvocation[]> {
  const byRun = new Map<unknown, PackageInvocation[]>();
  for (const p of all) {
    const list = byRun.get(p.run);
    if (list) list.push(p);
    else byRun.set(p.run, [p]);
  }
  return byRun;
}

/** `apt-get update`, `apk update`, `zypper refresh`, a bare `yum update`: a package-index refresh. */
function isIndexUpdate(p: PackageInvocation): boolean {
  const action = p.action?.text;
  if (action !== 'update' && action !== 'up' && !(p.program === 'zypper' && (action === 'refresh' || action === 'ref'))) return false;
  // `yum update pkg` upgrades packages; only a bare update counts as an index refresh.
  return !((p.program === 'yum' || p.program === 'dnf' || p.program === 'microdnf') && p.operands.length > 0);
}

/**
 * Joins the RUN with the next instruction when that is a shell-form RUN installing with the same
 * package manager: `RUN apt-get update` + `RUN apt-get install …` → one RUN with ` && \`.
 */
function mergeWithNextInstall(model: DockerfileModel, p: PackageInvocation, byRun: Map<unknown, PackageInvocation[]>): Fix | undefined {
  const run = p.run;
  if (run.form !== 'shell' || run.onbuild) return undefined;
  const stage = run.stage;
  const next = stage.instructions[stage.instructions.indexOf(run.instruction) + 1];
  const nextRun: RunCommand | undefined = stage.runs.find((r) => r.instruction === next);
  if (!nextRun || nextRun.form !== 'shell' || nextRun.flags.length || !nextRun.script.text) return undefined;
  const installs = (byRun.get(nextRun) ?? []).some((q) => sameManager(q.program, p.program) && q.action && INSTALL_ACTIONS.has(q.action.text));
  if (!installs) return undefined;
  const end = model.lines.offsetAt(run.instruction.getRange().end);
  const nextStart = nextRun.script.offsetAt(0);
  // Only whitespace and the next RUN keyword between the two: comments would end up inside the continuation.
  const between = model.text.slice(end, nextStart);
  if (!/^\s*RUN\s+$/i.test(between)) return undefined;
  const indent = '    ';
  return {
    kind: 'quickfix',
    safe: true,
    preferred: true,
    edits: [{ range: model.lines.rangeOf(end, nextStart), newText: ` && ${model.escapeChar}${model.eol}${indent}` }],
    ...fixTitle('docker.updateAlone.merge-with-the-next', 'Merge with the next RUN ({program} update && install)', { program: p.program }),
  };
}

function sameManager(a: string, b: string): boolean {
  const family = (x: string): string => (x === 'apt' ? 'apt-get' : x === 'microdnf' ? 'dnf' : x);
  return family(a) === family(b);
}
