import { Rule } from '../../model';
import { invocations, packageInvocations } from '../commands';
import { DockerfileModel, wordRange } from '../model';
import { basename, programWords } from '../shell';

const SIGNED_MANAGERS = new Set(['yum', 'dnf', 'microdnf', 'zypper']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'python', 'python3', 'perl', 'ruby', 'node']);

/** CIS-4.11: downloads and packages installed without verification. */
export const unverifiedDownload: Rule<DockerfileModel> = {
  id: 'docker-unverified-download',
  title: 'Software installed without verification',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['CIS-4.11'],
  description:
    'Piping a download straight into a shell, turning off TLS certificate checks or package signature checks lets anyone on the network path (or a compromised mirror) put code into your image.',
  remediation:
    'Download to a file, verify its checksum or signature (`sha256sum -c`, `gpg --verify`), then run it; keep TLS verification and package signature checks on.',
  check(model, report) {
    for (const inv of invocations(model)) {
      const w = inv.words;
      if (inv.program === 'curl') {
        const bad = w.find((x) => x.text === '-k' || x.text === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(x.text));
        if (bad) report({ message: 'Do not disable TLS verification with `curl -k`: fix the CA bundle instead.', range: wordRange(model, bad) });
      }
      if (inv.program === 'wget') {
        const bad = w.find((x) => x.text === '--no-check-certificate');
        if (bad) report({ message: 'Do not disable TLS verification with `wget --no-check-certificate`.', range: wordRange(model, bad) });
      }
      if (inv.program === 'pip' || inv.program === 'pip3' || (inv.program.startsWith('python') && w[1]?.text === '-m' && w[2]?.text === 'pip')) {
        const bad = w.find((x) => x.text === '--trusted-host' || x.text.startsWith('--trusted-host='));
        if (bad) report({ message: 'Do not use `pip --trusted-host`: it disables TLS verification for that host.', range: wordRange(model, bad) });
      }
      if (inv.program === 'rpm') {
        const bad = w.find((x) => x.text === '--nosignature' || x.text === '--nodigest');
        if (bad) report({ message: `Do not install RPMs with \`${bad.text}\`: it skips package verification.`, range: wordRange(model, bad) });
      }
    }
    for (const p of packageInvocations(model)) {
      const bad = p.options.find((o) =>
        ((p.program === 'apt-get' || p.program === 'apt') && (o.text === '--allow-unauthenticated' || o.text === '--force-yes' || /^--allow-(insecure-repositories|downgrades)$/.test(o.text))) ||
        (p.program === 'apk' && o.text === '--allow-untrusted') ||
        (SIGNED_MANAGERS.has(p.program) && (o.text === '--nogpgcheck' || o.text === '--no-gpg-checks')),
      );
      if (bad) report({ message: `Do not turn off package signature checks with \`${bad.text}\`.`, range: wordRange(model, bad) });
    }
    // `curl … | sh`: a pipe whose right-hand side is an interpreter fed by a downloader.
    for (const run of model.runs) {
      const cmds = run.shell.commands;
      for (let i = 1; i < cmds.length; i++) {
        if (cmds[i].after !== '|') continue;
        const right = programWords(cmds[i]);
        const left = programWords(cmds[i - 1]);
        if (!right.length || !left.length) continue;
        const downloader = basename(left[0].text);
        if ((downloader === 'curl' || downloader === 'wget') && SHELLS.has(basename(right[0].text))) {
          report({
            message: `Do not pipe a download into ${basename(right[0].text)}: download it, verify its checksum or signature, then run it.`,
            range: model.lines.rangeOf(left[0].start, right[0].end),
          });
        }
      }
    }
  },
};
