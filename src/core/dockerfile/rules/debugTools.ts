import { Rule } from '../../model';
import { isInstallAction, packageInvocations } from '../commands';
import { DockerfileModel, finalStage, stageLineage, wordRange } from '../model';
import { fixTitle, msg } from '../../l10n/text';

/**
 * Servers that give a way in, network tools that serve as a reverse shell or sniffer,
 * debuggers that read other processes' memory, and editors to change files in place. Clients (`openssh-client`, `telnet`) are not
 * here: git over SSH needs the SSH client, and a client opens no port.
 */
const DEBUG_PACKAGES = new Set([
  'openssh-server', 'dropbear', 'telnetd', 'inetutils-telnetd', 'telnet-server', 'xinetd',
  'netcat', 'netcat-openbsd', 'netcat-traditional', 'nc', 'ncat', 'nmap-ncat', 'socat', 'nmap', 'tcpdump',
  'gdb', 'gdbserver', 'strace', 'ltrace',
  'vim', 'vim-tiny', 'vim-minimal', 'vi', 'nano', 'emacs', 'emacs-nox',
]);

/** CIS-4.3: SSH servers, network and debugging tools installed in the final image. */
export const debugTools: Rule<DockerfileModel> = {
  id: 'docker-debug-tools',
  title: 'SSH server or debugging tools in the final image',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['CIS-4.3'],
  description:
    'Remote-access servers (sshd, telnetd), network tools and debuggers in a production image are exactly what an attacker needs after a foothold (a way back in, netcat for a reverse shell, tcpdump to sniff, gdb/strace to read memory, an editor to change files), and they add packages to patch. Clients such as the SSH client that git needs are not reported.',
  remediation: 'Install such tools only in a builder stage or a separate debug image; use `kubectl debug` / `docker debug` with an ephemeral container when you need them.',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage) return;
    for (const p of packageInvocations(model, stageLineage(stage))) {
      if (!isInstallAction(p.program, p.action?.text)) continue;
      for (const operand of p.operands) {
        const name = operand.text.replace(/[=<>~].*$/, '').replace(/-\d[\w.:~+-]*$/, '').toLowerCase();
        // Alpine's `openssh` installs the server too; elsewhere it is the common or client part.
        if (!DEBUG_PACKAGES.has(name) && !(name === 'openssh' && p.program === 'apk')) continue;
        // Removing the package is offered when others remain and it sits on one line with a blank before it.
        const before = model.text[operand.start - 1];
        const removable = p.run.form !== 'exec' && p.operands.length > 1 && (before === ' ' || before === '\t');
        let start = operand.start;
        let end = operand.end;
        while (start > 0 && (model.text[start - 1] === ' ' || model.text[start - 1] === '\t')) start--;
        if (start === 0 || model.text[start - 1] === '\n') {
          // First word of a continuation line: keep the indentation, take the blanks after it.
          start = operand.start;
          while (model.text[end] === ' ' || model.text[end] === '\t') end++;
        }
        report({
          range: wordRange(model, operand),
          fixes: removable ? [{ kind: 'quickfix', safe: false, edits: [{ range: model.lines.rangeOf(start, end), newText: '' }], ...fixTitle('docker.debugTools.do-not-install', 'Do not install {name}', { name }) }] : [],
          ...msg('docker.debugTools.do-not-install-in', 'Do not install "{name}" in the final image: install debugging tools in a builder stage or use an ephemeral debug container.', { name }),
        });
      }
    }
  },
};
