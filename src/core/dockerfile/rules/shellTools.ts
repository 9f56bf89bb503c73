import { Rule } from '../../model';
import { packageInvocations } from '../commands';
import { DockerfileModel, finalStage, stageLineage, wordRange } from '../model';
import { PackageInvocation } from '../commands';
import { shipsApplication } from './toolchainBase';

/** Shells and network tools an attacker uses after a foothold, by package name. */
const TOOLS = new Map<string, string>([
  ['curl', 'a download tool'], ['wget', 'a download tool'], ['bash', 'a shell'], ['zsh', 'a shell'],
  ['netcat', 'a network tool'], ['netcat-openbsd', 'a network tool'], ['netcat-traditional', 'a network tool'],
  ['nmap', 'a network scanner'], ['nmap-ncat', 'a network tool'], ['ncat', 'a network tool'], ['socat', 'a network tool'],
  ['telnet', 'a network tool'], ['inetutils-telnet', 'a network tool'], ['busybox-extras', 'a set of network tools (telnet, nc…)'],
]);

/** Actions that take packages out again, per manager. */
function isRemoveAction(program: string, action: string | undefined): boolean {
  if (!action) return false;
  if (program === 'apk') return action === 'del';
  if (program === 'apt-get' || program === 'apt') return action === 'remove' || action === 'purge';
  if (program === 'zypper') return action === 'remove' || action === 'rm';
  return action === 'remove' || action === 'erase';
}

const packageName = (text: string): string => text.replace(/[=<>~].*$/, '').toLowerCase();

/** `apk add --virtual .build-deps …` (or `-t`): the name a later `apk del` removes the packages by. */
function virtualName(p: PackageInvocation): string | undefined {
  if (p.program !== 'apk') return undefined;
  const words = p.words.map((w) => w.text);
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '--virtual' || words[i] === '-t') return words[i + 1]?.toLowerCase();
    if (words[i].startsWith('--virtual=')) return words[i].slice('--virtual='.length).toLowerCase();
  }
  return undefined;
}

/** Shells and network tools added to a minimal final image (Alpine, distroless-style, UBI minimal). */
export const shellTools: Rule<DockerfileModel> = {
  id: 'docker-shell-tools',
  title: 'Shell or network tool added to a minimal image',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['CIS-4.3'],
  coveredBy: ['docker-debug-tools'],
  description:
    'A minimal base (Alpine, distroless-style, UBI minimal) is chosen to leave out what an attacker needs after getting code execution. Installing curl or wget (to download tools), bash, netcat, nmap or telnet into the final stage puts them back. A package removed again later in the same stage is not reported.',
  remediation:
    'Use the tool in a build stage and copy only its result, or remove the package in the same stage once the step that needs it has run (apk del curl). For health checks, use the application\'s own endpoint or a small static probe binary instead of curl.',
  check(model, report) {
    const stage = finalStage(model);
    // A base or library image that needs bash for its own entrypoint is not the user's to change.
    if (!stage || !shipsApplication(model, stage)) return;
    for (const s of stageLineage(stage)) {
      if (s.family !== 'alpine' && s.family !== 'distroless' && s.family !== 'rhel-minimal') continue;
      const invs = packageInvocations(model, [s]);
      invs.forEach((p, index) => {
        const install = p.program === 'apk' ? p.action?.text === 'add' : p.action?.text === 'install';
        if (!install) return;
        for (const operand of p.operands) {
          const name = packageName(operand.text);
          const what = TOOLS.get(name);
          if (!what) continue;
          // Installed for a step and removed again in the same stage: not in the image's final filesystem.
          const virtual = virtualName(p);
          const removed = invs.slice(index + 1).some((q) => isRemoveAction(q.program, q.action?.text) && q.operands.some((o) => packageName(o.text) === name || (virtual !== undefined && packageName(o.text) === virtual)));
          if (removed) continue;
          report({
            message: `"${name}" is ${what} added to a minimal ${s.family === 'alpine' ? 'Alpine' : s.family === 'distroless' ? 'distroless-style' : 'UBI minimal'} image: remove it in the same stage after use, or use it only in a build stage.`,
            range: wordRange(model, operand),
          });
        }
      });
    }
  },
};
