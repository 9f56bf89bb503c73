import { Rule } from '../../model';
import { invocations } from '../commands';
import { DockerfileModel, Stage, finalStage, stageLineage, wordRange, isRootUser } from '../model';
import { insertLinesAfterStage, insertLinesBefore } from '../edits';
import { Fix } from '../../model';
import { fixTitle, msg } from '../../l10n/text';

/** Strips setuid/setgid bits from every file of the image's own filesystem. */
export const STRIP_SETUID_LINE = 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true';

/** CIS-4.8: setuid/setgid bits set in the final image. */
export const setuid: Rule<DockerfileModel> = {
  id: 'docker-setuid',
  title: 'setuid or setgid bit set',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['CIS-4.8'],
  description:
    'A setuid/setgid binary runs with its owner\'s privileges (usually root) whoever starts it: an unprivileged process in the container can use it to become root.',
  remediation: 'Do not set setuid/setgid bits; strip them in the final stage with `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true`.',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage || !model.runs.some((r) => r.script.text.includes('chmod'))) return;
    const all = invocations(model, stageLineage(stage).reverse());
    let stripIndex = -1;
    for (let i = all.length - 1; i >= 0 && stripIndex < 0; i--) if (all[i].program === 'find' && isStripCommand(all[i].words.map((w) => w.text))) stripIndex = i;
    all.forEach((inv, index) => {
      if (inv.program !== 'chmod' || index < stripIndex) return;
      const mode = inv.words.slice(1).find((w) => !w.text.startsWith('-') || /^-[0-7]/.test(w.text));
      if (!mode || !isSetuidMode(mode.text)) return;
      const fix = stripFix(model, stage);
      report({
        range: wordRange(model, mode),
        fixes: fix ? [fix] : [],
        ...msg('docker.setuid.do-not-set-the', 'Do not set the setuid/setgid bit ("chmod {mode}"): it lets any user run the file with its owner\'s privileges.', { mode: mode.text }),
      });
    });
  },
};

/** `find / … -perm /6000 … -exec chmod a-s {} \;`: strips the bits from the whole filesystem. */
function isStripCommand(words: string[]): boolean {
  return words[0] === 'find' && words.some((w) => /6000$|^\/ug\+s$|^\/u\+s,g\+s$/.test(w)) && words.includes('chmod') && words.some((w) => /^[ugoa]*-s$/.test(w));
}

/** Adds the strip line after the last build step of the final stage, run as root. */
function stripFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  const steps = stage.instructions.filter((i) => /^(RUN|COPY|ADD)$/i.test(i.getKeyword()));
  const last = steps[steps.length - 1];
  const lastIndex = last ? stage.instructions.indexOf(last) : -1;
  const next = stage.instructions[lastIndex + 1];
  // The user in effect right after the last build step.
  let user = stage.userInheritedFrom ? stage.effectiveUser : undefined;
  for (const u of stage.users) if (stage.instructions.indexOf(u.instruction) < (next ? lastIndex + 1 : Infinity)) user = u;
  if (user?.unresolved) return undefined;
  const lines = user && !isRootUser(user.value) ? ['USER root', STRIP_SETUID_LINE, `USER ${user.value}`] : [STRIP_SETUID_LINE];
  const edit = next ? insertLinesBefore(model, next, lines) : insertLinesAfterStage(model, stage, lines);
  return { kind: 'quickfix', safe: false, edits: [edit], ...fixTitle('docker.setuid.strip-setuid-setgid-bits', 'Strip setuid/setgid bits in the final stage') };
}

/** `u+s`, `g+s`, `+s`, `4755`, `2755`, `6755`… */
export function isSetuidMode(mode: string): boolean {
  if (/^[0-7]{4}$/.test(mode)) return /[2467]/.test(mode[0]);
  return mode.split(',').some((part) => /^[ugoa]*[+=][rwxXt]*s/.test(part));
}
