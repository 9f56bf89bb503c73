import { Rule } from '../../model';
import { invocations } from '../commands';
import { DockerfileModel, finalStage, stageLineage, wordRange } from '../model';
import { insertRuntimeLines } from '../edits';

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
    if (!stage) return;
    for (const inv of invocations(model, stageLineage(stage))) {
      if (inv.program !== 'chmod') continue;
      const mode = inv.words.slice(1).find((w) => !w.text.startsWith('-') || /^-[0-7]/.test(w.text));
      if (!mode || !isSetuidMode(mode.text)) continue;
      report({
        message: `Do not set the setuid/setgid bit ("chmod ${mode.text}"): it lets any user run the file with its owner's privileges.`,
        range: wordRange(model, mode),
        fixes: [{ title: 'Strip setuid/setgid bits in the final stage', kind: 'quickfix', safe: false, edits: [insertRuntimeLines(model, stage, [STRIP_SETUID_LINE])] }],
      });
    }
  },
};

/** `u+s`, `g+s`, `+s`, `4755`, `2755`, `6755`… */
export function isSetuidMode(mode: string): boolean {
  if (/^[0-7]{4}$/.test(mode)) return /[2467]/.test(mode[0]);
  return mode.split(',').some((part) => /^[ugoa]*[+=][rwxXt]*s/.test(part));
}
