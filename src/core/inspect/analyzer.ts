/**
 * The image's filesystem, layer by layer, as a runtime stacks it (whiteouts, opaque directories,
 * overwrites), kept as metadata only: file contents are never held, except the few small files
 * whose content decides a finding (credential files, os-release), read up to a cap.
 *
 * Feed it with `beginLayer`, `add` per tar entry (then `content` when `add` asked for it) and
 * `endLayer`; `finish` returns the findings. Pure: the archive reader lives in src/node/inspect.
 */
import type { Severity } from '../model';
import { formatTitle, judgeSecret, judgeSecretFile } from '../secrets';
import { Arg, english, frag, Locale, localize, Text } from '../l10n';
import { findCredentialFormat } from '../secrets/formats';
import { lineEntries } from '../secrets/lines';
import { ImageFinding, LayerEntry } from './types';
import { baseName, normaliseEntryName, resolveLinkTarget } from './paths';

/** Most bytes of a file read to judge its content (credential files are small). */
export const MAX_CONTENT_BYTES = 64 * 1024;
/** Findings of one rule beyond this many are summed up in one last finding. */
export const MAX_FINDINGS_PER_RULE = 50;

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

interface FileRecord {
  path: string;
  layer: number;
  type: LayerEntry['type'];
  mode: number;
  /** Content bytes this entry stores in its layer (0 for links and directories). */
  size: number;
  /** The credential this file holds, when its content was judged to hold one. */
  secret?: Text;
}

interface Node {
  rec?: FileRecord;
  children?: Map<string, Node>;
}

/** A credential file that a later layer deleted or replaced: the lower layer still has it. */
interface BuriedSecret { rec: FileRecord; goneIn: number; how: 'deleted' | 'overwritten' }

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox']);
const NETWORK_TOOLS = new Set(['curl', 'wget', 'nc', 'ncat', 'netcat', 'nmap', 'telnet', 'socat', 'ftp', 'tftp']);
const PACKAGE_MANAGERS = new Set(['apt', 'apt-get', 'dpkg', 'apk', 'yum', 'dnf', 'microdnf', 'rpm', 'zypper', 'pip', 'pip3', 'npm']);
const BIN_DIRS = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);
/** Where world-writable is what the directory is for. */
const TMP_DIRS = /^\/(tmp|var\/tmp|dev\/shm|run\/lock|var\/lock)(\/|$)/;
/** Test data and documentation of installed packages ship sample keys on purpose. */
const SAMPLE_DIRS = /\/(tests?|testdata|test-data|fixtures?|spec|examples?|samples?)\/|^\/usr\/share\/doc\//i;
const PEM_PRIVATE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const OS_RELEASE = new Set(['/etc/os-release', '/usr/lib/os-release']);

const REF_CIS_48 = 'https://www.cisecurity.org/benchmark/docker (CIS Docker Benchmark 4.8: setuid and setgid permissions removed)';
const REF_DISTROLESS = 'https://github.com/GoogleContainerTools/distroless#why-should-i-use-distroless-images';
const REF_SECRETS = 'https://docs.docker.com/build/building/secrets/';
const REF_DIVE = 'https://github.com/wagoodman/dive#ci-integration';
const REF_CIS_WW = 'https://www.cisecurity.org/benchmark/docker (CIS Docker Benchmark 4: container images and build files)';
const REF_LAYERS = 'https://github.com/opencontainers/image-spec/blob/main/layer.md';

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export { fmtBytes as formatBytes };

export class ImageAnalyzer {
  private readonly root: Node = { children: new Map() };
  private layer = 0;
  private layerBytes = 0;
  private totalBytes = 0;
  private wastedBytes = 0;
  /** Largest wasted copies, kept short. */
  private wasted: Array<{ path: string; layer: number; bytes: number }> = [];
  private readonly buried: BuriedSecret[] = [];
  private readonly unsafe: Array<{ name: string; layer: number; path: string }> = [];
  private pending?: FileRecord;
  private osRelease = '';

  beginLayer(index: number): void {
    this.layer = index;
    this.layerBytes = 0;
    this.pending = undefined;
  }

  /** Bytes of file content the layer held (uncompressed). */
  endLayer(): number {
    this.pending = undefined;
    return this.layerBytes;
  }

  /**
   * Records one entry of the current layer. Returns how many bytes of its content the analysis
   * wants (0: none; skip it); when more than 0, pass them to `content` before the next `add`.
   */
  add(entry: LayerEntry): number {
    this.pending = undefined;
    const { path, escapes } = normaliseEntryName(entry.name);
    if (escapes && this.unsafe.length <= MAX_FINDINGS_PER_RULE) this.unsafe.push({ name: entry.name, layer: this.layer, path });
    if (path === '/') return 0;
    const name = baseName(path);
    const parent = this.dirNode(path.slice(0, path.length - name.length - 1) || '/');
    if (name === OPAQUE) {
      // Everything the lower layers put below the directory is hidden; this layer's entries stay.
      this.hideBelow(parent, this.layer);
      return 0;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      const target = name.slice(WHITEOUT_PREFIX.length);
      const node = parent.children!.get(target);
      if (node) {
        this.bury(node, this.layer, 'deleted');
        if (!this.keepsAny(node)) parent.children!.delete(target);
      }
      return 0;
    }
    let mode = entry.mode & 0o7777;
    let size = entry.type === 'file' ? Math.max(0, entry.size) : 0;
    if (entry.type === 'link' && entry.linkname !== undefined) {
      // A hard link shares its target's inode: its mode bits are the target's.
      const target = this.lookup(resolveLinkTarget(path, entry.linkname, true));
      if (target?.rec && (mode & 0o6000) === 0) mode = target.rec.mode;
      size = 0;
    }
    this.layerBytes += size;
    this.totalBytes += size;
    let node = parent.children!.get(name);
    if (node && !(entry.type === 'directory' && (!node.rec || node.rec.type === 'directory'))) {
      // Replaced: a file over a file or a directory, so the lower copy is dead weight.
      this.bury(node, this.layer, 'overwritten');
      node = entry.type === 'directory' ? { children: node.children ?? new Map() } : {};
      parent.children!.set(name, node);
    }
    if (!node) {
      node = {};
      parent.children!.set(name, node);
    }
    const rec: FileRecord = { path, layer: this.layer, type: entry.type, mode, size };
    node.rec = rec;
    if (entry.type === 'directory' && !node.children) node.children = new Map();
    if (entry.type !== 'file' || size > MAX_CONTENT_BYTES) return 0;
    if (OS_RELEASE.has(path) || isCredentialCandidate(path)) {
      this.pending = rec;
      return size;
    }
    return 0;
  }

  /** The content of the entry `add` asked for (at most the bytes it asked). */
  content(bytes: Uint8Array): void {
    const rec = this.pending;
    this.pending = undefined;
    if (!rec) return;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, MAX_CONTENT_BYTES));
    if (OS_RELEASE.has(rec.path)) {
      this.osRelease = text;
      return;
    }
    rec.secret = judgeCredentialContent(rec.path, text);
  }

  /** Findings on the stacked filesystem. Call once, after the last layer. */
  finish(locale: Locale = 'en'): ImageFinding[] {
    const findings: Draft[] = [];
    const finals: FileRecord[] = [];
    const walk = (n: Node): void => {
      if (n.rec) finals.push(n.rec);
      if (n.children) for (const c of n.children.values()) walk(c);
    };
    walk(this.root);
    finals.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    for (const u of this.unsafe) {
      findings.push(finding('image-unsafe-path', 'medium', frag('inspect.unsafe-path', "Layer {layer} has an entry named {name}, which points outside the image's root (read here as {path}); a runtime that does not confine extraction would write outside its directory", { layer: u.layer, name: JSON.stringify(u.name), path: u.path }), u.path, u.layer, [REF_LAYERS]));
    }
    for (const r of finals) {
      if (r.secret) {
        findings.push(finding('image-secret-file', 'high', frag('inspect.secret-file', '{path} (layer {layer}) is {what}: anyone who can pull the image can read it', { path: r.path, layer: r.layer, what: r.secret }), r.path, r.layer, [REF_SECRETS]));
      }
    }
    for (const b of this.buried) {
      const words = b.how === 'deleted'
        ? frag('inspect.secret-deleted', '{path} is {what}: deleted in layer {gone}, still readable in layer {layer} (every layer ships with the image)', { path: b.rec.path, what: b.rec.secret!, gone: b.goneIn, layer: b.rec.layer })
        : frag('inspect.secret-overwritten', '{path} is {what}: overwritten in layer {gone}, still readable in layer {layer} (every layer ships with the image)', { path: b.rec.path, what: b.rec.secret!, gone: b.goneIn, layer: b.rec.layer });
      findings.push(finding('image-secret-file', 'high', words, b.rec.path, b.rec.layer, [REF_SECRETS]));
    }
    const isDistroless = this.looksDistroless(finals);
    for (const r of finals) {
      if ((r.type === 'file' || r.type === 'link') && (r.mode & 0o6000) !== 0) {
        const bits: Arg = r.mode & 0o4000 ? (r.mode & 0o2000 ? frag('inspect.setuid-and-setgid', 'setuid and setgid') : 'setuid') : 'setgid';
        findings.push(finding('image-setuid', 'low', frag('inspect.setuid', '{path} is {bits} (mode {mode}): strip the bits unless the application needs them (find / -xdev -perm /6000 -type f -exec chmod a-s {} \\;)', { path: r.path, bits, mode: (r.mode & 0o7777).toString(8).padStart(4, '0') }), r.path, r.layer, [REF_CIS_48]));
      }
      if (r.type !== 'symlink' && (r.mode & 0o002) !== 0 && !TMP_DIRS.test(r.path) && !(r.type === 'directory' && (r.mode & 0o1000) !== 0)) {
        findings.push(finding('image-world-writable', 'medium', frag('inspect.world-writable', '{path} is world-writable (mode {mode}): any user in the container can change it', { path: r.path, mode: (r.mode & 0o7777).toString(8).padStart(4, '0') }), r.path, r.layer, [REF_CIS_WW]));
      }
      const dir = r.path.slice(0, r.path.lastIndexOf('/')) || '/';
      if (r.type === 'directory' || !BIN_DIRS.has(dir)) continue;
      const name = baseName(r.path);
      if (SHELLS.has(name)) {
        findings.push(finding('image-shell', 'low', frag('inspect.shell', '{path}: a shell in the final image lets an attacker who gets code execution run anything; a distroless or scratch runtime has none', { path: r.path }), r.path, r.layer, [REF_DISTROLESS]));
      } else if (NETWORK_TOOLS.has(name)) {
        findings.push(finding('image-network-tool', 'low', frag('inspect.network-tool', '{path}: {name} in the final image helps an attacker download tools and move data; remove it if the application does not run it', { path: r.path, name }), r.path, r.layer, [REF_DISTROLESS]));
      } else if (isDistroless && PACKAGE_MANAGERS.has(name)) {
        findings.push(finding('image-package-manager', 'medium', frag('inspect.package-manager', '{path}: the package manager {name} is left in a distroless-style image, so software can still be installed into a running container', { path: r.path, name }), r.path, r.layer, [REF_DISTROLESS]));
      }
    }
    if (this.wastedBytes > 0) {
      const efficiency = this.totalBytes ? (this.totalBytes - this.wastedBytes) / this.totalBytes : 1;
      const top = this.wasted[0];
      let list: Arg = '';
      for (const w of this.wasted) {
        const item = frag('inspect.wasted-item', '{path} ({size}, layer {layer})', { path: w.path, size: fmtBytes(w.bytes), layer: w.layer });
        list = list === '' ? item : frag('inspect.list', '{a}, {b}', { a: list, b: item });
      }
      const severity: Severity = efficiency < 0.9 || this.wastedBytes >= 20 * 1024 * 1024 ? 'low' : 'info';
      findings.push(finding('image-wasted-bytes', severity, frag('inspect.wasted-bytes', '{wasted} of {total} are files that a later layer overwrites or deletes (efficiency {efficiency}%); largest: {list}. Remove files in the RUN that creates them', { wasted: fmtBytes(this.wastedBytes), total: fmtBytes(this.totalBytes), efficiency: (efficiency * 100).toFixed(1), list }), top.path, top.layer, [REF_DIVE]));
    }
    return capPerRule(findings).map((d) => ({ ...d.finding, message: localize(d.text, d.finding.message, locale) }));
  }

  private looksDistroless(finals: readonly FileRecord[]): boolean {
    if (/^(PRETTY_NAME|NAME)="?Distroless/im.test(this.osRelease)) return true;
    const hasShell = finals.some((r) => r.type !== 'directory' && SHELLS.has(baseName(r.path)) && BIN_DIRS.has(r.path.slice(0, r.path.lastIndexOf('/'))));
    return !hasShell && finals.some((r) => r.type !== 'directory');
  }

  private lookup(path: string): Node | undefined {
    let n: Node | undefined = this.root;
    for (const part of path.split('/')) {
      if (!part) continue;
      n = n?.children?.get(part);
      if (!n) return undefined;
    }
    return n;
  }

  /** The directory node for `path`, created (without a record) where the tar has no entry for it. */
  private dirNode(path: string): Node {
    let n = this.root;
    for (const part of path.split('/')) {
      if (!part) continue;
      if (!n.children) n.children = new Map();
      let c = n.children.get(part);
      if (!c) {
        c = { children: new Map() };
        n.children.set(part, c);
      }
      n = c;
    }
    if (!n.children) n.children = new Map();
    return n;
  }

  /** Removes what layers below `layer` put at and under `node`: wasted bytes, buried secrets. */
  private bury(node: Node, layer: number, how: 'deleted' | 'overwritten'): void {
    const visit = (n: Node): void => {
      if (n.rec && n.rec.layer < layer) {
        this.waste(n.rec);
        if (n.rec.secret) this.buried.push({ rec: n.rec, goneIn: layer, how });
        n.rec = undefined;
      }
      if (n.children) {
        for (const [k, c] of n.children) {
          visit(c);
          if (!c.rec && (!c.children || c.children.size === 0)) n.children.delete(k);
        }
      }
    };
    visit(node);
  }

  private hideBelow(dir: Node, layer: number): void {
    if (!dir.children) return;
    for (const [k, c] of dir.children) {
      this.bury(c, layer, 'deleted');
      if (!this.keepsAny(c)) dir.children.delete(k);
    }
  }

  private keepsAny(n: Node): boolean {
    return !!n.rec || (!!n.children && n.children.size > 0);
  }

  private waste(rec: FileRecord): void {
    if (rec.size <= 0) return;
    this.wastedBytes += rec.size;
    this.wasted.push({ path: rec.path, layer: rec.layer, bytes: rec.size });
    this.wasted.sort((a, b) => b.bytes - a.bytes);
    if (this.wasted.length > 5) this.wasted.length = 5;
  }
}

/** A finding with its message as a template (rendered in the report's locale by `finish`). */
interface Draft { finding: ImageFinding; text: Text }

function finding(ruleId: string, severity: Severity, text: Text, path: string, layer: number, references: string[]): Draft {
  return { finding: { ruleId, severity, message: english(text), path, layer, references }, text };
}

function capPerRule(findings: Draft[]): Draft[] {
  const counts = new Map<string, number>();
  const out: Draft[] = [];
  const extra = new Map<string, Draft[]>();
  for (const d of findings) {
    const f = d.finding;
    const n = (counts.get(f.ruleId) ?? 0) + 1;
    counts.set(f.ruleId, n);
    if (n <= MAX_FINDINGS_PER_RULE) out.push(d);
    else {
      const list = extra.get(f.ruleId) ?? [];
      list.push(d);
      extra.set(f.ruleId, list);
    }
  }
  for (const [ruleId, list] of extra) {
    const first = list[0].finding;
    const text = frag('inspect.more', '…and {n} more {rule} findings like the above (first: {path})', { n: list.length, rule: ruleId, path: first.path });
    out.push({ finding: { ...first, message: english(text) }, text });
  }
  return out;
}

/** Files whose content is read to see whether they hold a credential. */
export function isCredentialCandidate(path: string): boolean {
  if (SAMPLE_DIRS.test(path)) return false;
  if (/\.(pem|key|p8)$/i.test(path)) return true;
  return judgeSecretFile(path).secret;
}

/**
 * What credential a file's content holds, or undefined: a PEM private key whatever the name; in
 * a file named as a credential file (`.npmrc`, `.env`, `.pypirc`, kubeconfig, `.docker/config.json`…),
 * a `key = value` entry the shared detector judges a secret, or a known credential format.
 */
export function judgeCredentialContent(path: string, text: string): Text | undefined {
  if (PEM_PRIVATE.test(text)) return frag('inspect.a-private-key', 'a private key');
  const byName = judgeSecretFile(path);
  if (!byName.secret) return undefined;
  const what = byName.what ?? byName.reason;
  for (const e of lineEntries(text)) {
    const value = e.value.replace(/[\s,}\]]+$/, '').replace(/^["']|["']$/g, '');
    const j = judgeSecret({ name: e.name, value });
    if (j.secret) return frag('inspect.with-credential-entry', '{what} with a credential ({name}: {reason})', { what, name: e.name, reason: j.reasonText ?? j.reason });
  }
  const m = findCredentialFormat(text);
  if (m) return frag('inspect.with-credential-format', '{what} with a credential ({format})', { what, format: formatTitle(m.format) });
  return undefined;
}
