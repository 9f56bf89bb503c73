import { Fix, Rule } from '../../model';
import { invocations, isInstallAction, packageInvocations } from '../commands';
import { insertLinesAfterStage, insertLinesBefore } from '../edits';
import { DockerfileModel, Stage, finalStage, isRootUser, stageLineage } from '../model';
import { STRIP_SETUID_LINE, isSetuidMode } from './setuid';
import { shipsApplication } from './toolchainBase';
import { multiStageFix } from '../fixes/multiStage';
import { fixTitle, msg } from '../../l10n/text';

/** `find / … -perm /6000 … chmod a-s`: strips the bits from the whole filesystem. */
function stripsSetuid(words: readonly string[]): boolean {
  return words[0] === 'find' && words.some((w) => /^[-/+]?[0-7]*[46]000$|^\/?[ug]\+s(,[ug]\+s)?$/.test(w)) && words.includes('chmod') && words.some((w) => /^[ugoa]*-s$/.test(w));
}

/** Families whose images ship setuid binaries (su, passwd, mount, chfn…). */
const SETUID_FAMILIES = new Set(['debian', 'alpine', 'rhel']);

/** Where the strip line goes: after the final stage's last package install (else after its FROM), run as root. */
function stripFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  let after = -1;
  for (const p of packageInvocations(model, [stage])) {
    if (!isInstallAction(p.program, p.action?.text)) continue;
    after = Math.max(after, stage.instructions.indexOf(p.run.instruction));
  }
  const next = stage.instructions[after + 1];
  // The user in effect at that point: the stage's last USER before it, else the parent stage's.
  let user = stage.parent ? stage.parent.effectiveUser : undefined;
  if (!stage.parent && stage.nonRootBase) return undefined;
  for (const u of stage.users) if (stage.instructions.indexOf(u.instruction) <= after) user = u;
  if (user?.unresolved) return undefined;
  const lines = user && !isRootUser(user.value) ? ['USER root', STRIP_SETUID_LINE, `USER ${user.value}`] : [STRIP_SETUID_LINE];
  const edit = next ? insertLinesBefore(model, next, lines) : insertLinesAfterStage(model, stage, lines);
  return { kind: 'quickfix', safe: false, edits: [edit], ...fixTitle('docker.setuidStrip.strip-setuid-setgid-bits', 'Strip setuid/setgid bits after the last package install') };
}

/** CIS-4.8: the final base ships setuid binaries and the image runs as a non-root user that could use them. */
export const setuidStrip: Rule<DockerfileModel> = {
  id: 'docker-setuid-not-stripped',
  title: 'Setuid/setgid binaries of the base not stripped',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['CIS-4.8'],
  description:
    'Debian, Ubuntu, Alpine and RHEL-family images ship setuid/setgid binaries (su, passwd, mount, chfn, newgrp…). An image that runs as a non-root user keeps them as a way back to root when one of them has a flaw. Reported for application images that switch to a non-root user and strip nothing; an image running as root gains nothing from the bits, and one that sets a bit itself is reported by docker-setuid.',
  remediation:
    'Strip the bits in the final stage after the last package install: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true` (as root, before switching to the application user).',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage) return;
    const lineage = stageLineage(stage);
    const root = lineage[lineage.length - 1];
    // BusyBox's image has no setuid binaries; the others ship su, passwd and friends.
    if (root.baseKind !== 'image' || !SETUID_FAMILIES.has(root.family) || /(^|\/)busybox$/.test(root.ref?.repository ?? '')) return;
    const user = stage.effectiveUser;
    if (!user || user.unresolved || isRootUser(user.value)) return;
    if (!shipsApplication(model, stage)) return;
    // Programs are looked at only where a RUN can hold a strip (`-perm`) or a chmod at all.
    if (model.runs.some((r) => r.script.text.includes('-perm') || r.script.text.includes('chmod'))) {
      const all = invocations(model, [...lineage].reverse());
      if (all.some((inv) => inv.program === 'find' && stripsSetuid(inv.words.map((w) => w.text)))) return;
      // Setting a bit is docker-setuid's finding, which offers the same strip line.
      if (all.some((inv) => inv.program === 'chmod' && inv.words.slice(1).some((w) => isSetuidMode(w.text)))) return;
    }
    // A single-stage toolchain build is better converted (docker-toolchain-base): its runtime has no setuid binaries.
    const refactor = multiStageFix(model);
    if (refactor && !refactor.snippet) return;
    const fix = stripFix(model, stage);
    report({
      range: stage.imageRange,
      fixes: fix ? [fix] : [],
      ...msg('docker.setuidStrip.ships-setuid-setgid-binaries', '{imageText} ships setuid/setgid binaries and the image runs as "{user}" without stripping them: strip the bits after the last package install (CIS 4.8).', { imageText: root.imageText, user: user.value }),
    });
  },
};
