import { Rule } from '../../model';
import { packageInvocations } from '../commands';
import { DockerfileModel, finalStage, stageLineage, wordRange } from '../model';
import { PackageInvocation } from '../commands';
import { shipsApplication } from './toolchainBase';
import { Text, frag, msg } from '../../l10n/text';

/** Shells and network tools an attacker uses after a foothold, by package name. */
const DOWNLOAD = frag('docker.shellTools.download-tool', 'a download tool');
const SHELL = frag('docker.shellTools.shell', 'a shell');
const NETWORK = frag('docker.shellTools.network-tool', 'a network tool');
const TOOLS = new Map<string, Text>([
  ['curl', DOWNLOAD], ['wget', DOWNLOAD], ['bash', SHELL], ['zsh', SHELL],
  ['netcat', NETWORK], ['netcat-openbsd', NETWORK], ['netcat-traditional', NETWORK],
  ['nmap', frag('docker.shellTools.network-scanner', 'a network scanner')], ['nmap-ncat', NETWORK], ['ncat', NETWORK], ['socat', NETWORK],
  ['telnet', NETWORK], ['inetutils-telnet', NETWORK], ['busybox-extras', frag('docker.shellTools.network-tools', 'a set of network tools (telnet, nc…)')],
]);
const ALPINE = frag('docker.shellTools.alpine', 'Alpine');
const DISTROLESS = frag('docker.shellTools.distroless', 'distroless-style');
const UBI_MINIMAL = frag('docker.shellTools.ubi-minimal', 'UBI minimal');

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
            range: wordRange(model, operand),
            ...msg('docker.shellTools.is-added-to-a', '"{name}" is {what} added to a minimal {family} image: remove it in the same stage after use, or use it only in a build stage.', { name, what, family: s.family === 'alpine' ? ALPINE : s.family === 'distroless' ? DISTROLESS : UBI_MINIMAL }),
          });
        }
      });
    }
  },
};
