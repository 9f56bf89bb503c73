import { Instruction } from 'dockerfile-ast';
import { Reporter, Rule } from '../../model';
import { Invocation, PackageInvocation, invocations, packageInvocations } from '../commands';
import { DockerfileModel, RunCommand, expandWord, instructionArgs, keywordRange, wordRange } from '../model';
import { ShellCommand, ShellWord, basename, programWords } from '../shell';
import { msg } from '../../l10n/text';

const SIGNED_MANAGERS = new Set(['yum', 'dnf', 'microdnf', 'zypper']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'python', 'python3', 'perl', 'ruby', 'node']);
/** Programs that unpack, install or store what they read: a download piped into them is used. */
const CONSUMERS = new Set([
  'tar', 'bsdtar', 'cpio', 'unzip', 'gzip', 'gunzip', 'zcat', 'xz', 'unxz', 'xzcat', 'bzip2', 'bunzip2', 'zstd', 'unzstd',
  'tee', 'dd', 'install', 'apt-key', 'gpg', 'rpm', 'dpkg', 'apk',
]);
const CHECKSUMS = new Set(['sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'md5sum', 'b2sum', 'shasum']);
const CHECKSUM_IN_WORD = /\b(sha\d+sum|shasum|md5sum|b2sum)\b/;
const PLAIN_HTTP = /^http:\/\//i;
const LOCAL_HOST = /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)([:/]|$)/i;

/** CIS-4.11: downloads and packages installed without verification. */
export const unverifiedDownload: Rule<DockerfileModel> = {
  id: 'docker-unverified-download',
  title: 'Software installed without verification',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['CIS-4.11'],
  description:
    'Piping a download straight into a shell, fetching over plain HTTP, turning off TLS certificate checks or package signature checks lets anyone on the network path (or a compromised mirror) put code into your image. A plain-HTTP download is accepted when the same RUN verifies a checksum or a signature (`sha256sum -c`, `gpg --verify`); `ADD` of a URL needs `--checksum`.',
  remediation:
    'Download over HTTPS to a file, verify its checksum or signature (`sha256sum -c`, `gpg --verify`), then use it; give `ADD <url>` a `--checksum=sha256:…`; keep TLS verification and package signature checks on.',
  check(model, report) {
    for (const inv of invocations(model)) {
      const w = inv.words;
      if (inv.program === 'curl') {
        const bad = w.find((x) => x.text === '-k' || x.text === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(x.text));
        if (bad) report({ range: wordRange(model, bad), ...msg('docker.unverifiedDownload.do-not-disable-tls', 'Do not disable TLS verification with `curl -k`: fix the CA bundle instead.') });
      }
      if (inv.program === 'wget') {
        const bad = w.find((x) => x.text === '--no-check-certificate');
        if (bad) report({ range: wordRange(model, bad), ...msg('docker.unverifiedDownload.do-not-disable-tls-2', 'Do not disable TLS verification with `wget --no-check-certificate`.') });
      }
      if (inv.program === 'pip' || inv.program === 'pip3' || (inv.program.startsWith('python') && w[1]?.text === '-m' && w[2]?.text === 'pip')) {
        const bad = w.find((x) => x.text === '--trusted-host' || x.text.startsWith('--trusted-host='));
        if (bad) report({ range: wordRange(model, bad), ...msg('docker.unverifiedDownload.do-not-use-pip', 'Do not use `pip --trusted-host`: it disables TLS verification for that host.') });
      }
      if (inv.program === 'rpm') {
        const bad = w.find((x) => x.text === '--nosignature' || x.text === '--nodigest');
        if (bad) report({ range: wordRange(model, bad), ...msg('docker.unverifiedDownload.do-not-install-rpms', 'Do not install RPMs with `{bad}`: it skips package verification.', { bad: bad.text }) });
      }
    }
    for (const p of packageInvocations(model)) {
      const bad = p.options.find((o) =>
        ((p.program === 'apt-get' || p.program === 'apt') && (o.text === '--allow-unauthenticated' || o.text === '--force-yes' || /^--allow-(insecure-repositories|downgrades)$/.test(o.text))) ||
        (p.program === 'apk' && o.text === '--allow-untrusted' && !installsLocalBuild(p)) ||
        (SIGNED_MANAGERS.has(p.program) && (o.text === '--nogpgcheck' || o.text === '--no-gpg-checks')),
      );
      if (bad) report({ range: wordRange(model, bad), ...msg('docker.unverifiedDownload.do-not-turn-off', 'Do not turn off package signature checks with `{bad}`.', { bad: bad.text }) });
    }
    for (const run of model.runs) if (run.invocations.some(isDownloader)) checkDownloads(model, run, report);
    checkRemoteAdd(model, report);
  },
};

/**
 * `apk index --allow-untrusted` (an index of local packages, nothing installed), or `apk add
 * --allow-untrusted` of local package files in a RUN that downloads nothing: packages built in
 * this build (a builder stage, a bind mount), which no public key could have signed.
 */
function installsLocalBuild(p: PackageInvocation): boolean {
  const action = p.action?.text;
  if (action === 'index') return true;
  if (action !== 'add' || !p.operands.length) return false;
  if (!p.operands.every((o) => o.text.includes('/') && !o.text.includes('://') && /\.apk$/.test(o.text))) return false;
  return !p.run.invocations.some(isDownloader);
}

function isDownloader(inv: Invocation): boolean {
  return inv.program === 'curl' || inv.program === 'wget';
}

/**
 * Downloads of one RUN: piped into an interpreter (whatever the scheme), or fetched over plain
 * HTTP into a file or a program that uses it, unless a checksum or signature check follows in
 * the same RUN.
 */
function checkDownloads(model: DockerfileModel, run: RunCommand, report: Reporter): void {
  const invs = run.invocations;
  let lastCheck = -1;
  for (let k = invs.length - 1; k >= 0 && lastCheck < 0; k--) if (isVerification(invs[k])) lastCheck = k;
  const cmds = run.shell.commands;
  for (let k = 0; k < invs.length; k++) {
    const inv = invs[k];
    if (!isDownloader(inv)) continue;
    const consumer = pipedInto(cmds, inv.command);
    const url = plainHttpUrl(inv.words);
    if (consumer && SHELLS.has(consumer.program)) {
      report({
        range: model.lines.rangeOf(inv.words[0].start, consumer.word.end),
        ...(url ? msg('docker.unverifiedDownload.do-not-pipe-a', 'Do not pipe a plain-HTTP download into {program}: fetch it over HTTPS to a file, verify its checksum or signature, then run it.', { program: consumer.program }) : msg('docker.unverifiedDownload.do-not-pipe-a-2', 'Do not pipe a download into {program}: download it, verify its checksum or signature, then run it.', { program: consumer.program })),
      });
      continue;
    }
    if (!url || k < lastCheck || discardsOutput(inv)) continue;
    if (consumer && !CONSUMERS.has(consumer.program)) continue;
    report({
      range: wordRange(model, url),
      ...msg('docker.unverifiedDownload.do-not-download-over', 'Do not download over plain HTTP without verifying what arrives: use HTTPS, and check a checksum or signature (`sha256sum -c`, `gpg --verify`) in the same RUN.'),
    });
  }
}

/** The program a command's output is piped into (the next command after `|`), if any. */
function pipedInto(cmds: readonly ShellCommand[], command: ShellCommand): { program: string; word: ShellWord } | undefined {
  const k = cmds.indexOf(command);
  const next = cmds[k + 1];
  if (!next || (next.after !== '|' && next.after !== '|&') || next.parent !== command.parent) return undefined;
  const words = programWords(next);
  return words.length ? { program: basename(words[0].text), word: words[0] } : undefined;
}

/** The first `http://` URL operand that is not the local host. */
function plainHttpUrl(words: readonly ShellWord[]): ShellWord | undefined {
  for (let i = 1; i < words.length; i++) {
    const t = words[i].text;
    if (PLAIN_HTTP.test(t) && !LOCAL_HOST.test(t)) return words[i];
  }
  return undefined;
}

/** `curl -o /dev/null`, `curl -I`, `wget --spider`: nothing downloaded is kept. */
function discardsOutput(inv: Invocation): boolean {
  const w = inv.words;
  for (let i = 1; i < w.length; i++) {
    const t = w[i].text;
    if (t === '--spider' || t === '-I' || t === '--head') return true;
    if ((t === '-o' || t === '-O' || t === '--output' || t === '--output-document') && w[i + 1]?.text === '/dev/null') return true;
    if (t === '--output=/dev/null' || t === '--output-document=/dev/null' || t === '-O/dev/null' || t === '-o/dev/null') return true;
  }
  return false;
}

/** A checksum or signature check: `sha256sum -c`, `shasum -a 256 -c`, `gpg --verify`, `cosign verify-blob`… */
function isVerification(inv: Invocation): boolean {
  const w = inv.words;
  const has = (f: (t: string) => boolean): boolean => w.some((x, i) => i > 0 && f(x.text));
  switch (inv.program) {
    case 'gpg':
    case 'gpg2':
      return has((t) => t === '--verify' || t === '--verify-files');
    case 'gpgv':
    case 'gpgv2':
      return true;
    case 'cosign':
      return has((t) => t === 'verify-blob' || t === 'verify' || t === 'verify-attestation');
    case 'minisign':
    case 'signify':
      return has((t) => t === '-V');
    case 'openssl':
      return has((t) => t === '-verify');
    case 'rpm':
      return has((t) => t === '-K' || t === '--checksig');
    case '[':
    case '[[':
    case 'test':
      // `[ "$(sha256sum f | cut -d' ' -f1)" = "$SHA" ]`
      return has((t) => CHECKSUM_IN_WORD.test(t));
    default:
      if (CHECKSUMS.has(inv.program)) return has((t) => t === '--check' || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(t));
      return false;
  }
}

/**
 * `ADD http(s)://… dest` without `--checksum`: BuildKit fetches it and nothing checks what
 * arrives. Git sources (`….git`, `…git#ref`) are pinned by their ref instead. (The ADD side of
 * this rule: arguments are read as BuildKit reads them, see `instructionArgs`.)
 */
function checkRemoteAdd(model: DockerfileModel, report: Reporter): void {
  for (const stage of model.stages) {
    for (let n = 0; n < stage.instructions.length; n++) {
      if (stage.keywords[n] !== 'ADD') continue;
      const ins = stage.instructions[n];
      const flags = (ins as unknown as { getFlags(): Array<{ getName(): string }> }).getFlags();
      if (flags.some((f) => f.getName().toLowerCase() === 'checksum')) continue;
      const url = remoteSource(model, ins, stage.table);
      if (!url) continue;
      report({
        range: keywordRange(ins),
        ...(url.startsWith('http:') ? msg('docker.unverifiedDownload.add-checksum-http', 'Add `--checksum=sha256:…` to this ADD: nothing verifies what a plain-HTTP download of "{url}" delivers.', { url }) : msg('docker.unverifiedDownload.add-checksum', 'Add `--checksum=sha256:…` to this ADD: nothing verifies what the download of "{url}" delivers.', { url })),
      });
    }
  }
}

/** The first http(s) source of an ADD that is not a git repository, expanded; undefined when there is none. */
function remoteSource(model: DockerfileModel, ins: Instruction, vars: Parameters<typeof expandWord>[2]): string | undefined {
  const { json, words } = instructionArgs(model, ins);
  for (let i = 0; i < words.length - 1; i++) {
    const value = expandWord(model, words[i], vars, json).value;
    if (!/^https?:\/\//i.test(value)) continue;
    if (/\.git(#|$)/i.test(value)) continue;
    return value;
  }
  return undefined;
}
