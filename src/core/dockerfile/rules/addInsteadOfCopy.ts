import { Fix, Reporter, Rule } from '../../model';
import { DockerfileModel, expandWord, instructionArgs, keywordRange, Stage } from '../model';
import { Instruction } from 'dockerfile-ast';
import { fixTitle, msg } from '../../l10n/text';

/**
 * Names BuildKit may unpack. It unpacks a local file by its content (a tar, possibly gzip,
 * bzip2, xz or zstd compressed), whatever its name; these are the names such a file has.
 */
const ARCHIVE = /\.(tar|tar\.\w+|t[gbx]z|tbz2|tb2|tz|tlz|txz|tzst|gz|bz2|xz|lz|lzma|lzo|zst|Z)$/i;
/** URL (http, https, git, ssh…) or scp-like git remote (`git@host:org/repo`): fetched, never a local copy. */
const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i;
/** Flags only ADD understands: with them ADD is meant (and COPY would fail). */
const ADD_ONLY_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);
const WILDCARD = /[*?[]/;

/** How one ADD source behaves. */
type SourceKind = 'local' | 'maybe-archive' | 'archive' | 'remote' | 'unknown';

function sourceKind(value: string): SourceKind {
  if (REMOTE.test(value)) return 'remote';
  const name = value.slice(value.lastIndexOf('/') + 1);
  if (ARCHIVE.test(name)) return 'archive';
  if (WILDCARD.test(name)) {
    // A pattern matches an archive unless the literal text after its last wildcard is a
    // plain extension (`*.txt`).
    let last = -1;
    for (let i = 0; i < name.length; i++) if (name[i] === '*' || name[i] === '?' || name[i] === '[' || name[i] === ']') last = i;
    return /^\w*\.[A-Za-z0-9]+$/.test(name.slice(last + 1)) ? 'local' : 'maybe-archive';
  }
  return 'local';
}


/** DS-0005 / DL3020 / CIS-4.9: ADD used to copy local files. */
export const addInsteadOfCopy: Rule<DockerfileModel> = {
  id: 'docker-add-instead-of-copy',
  title: 'ADD used instead of COPY',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0005', 'DL3020', 'CIS-4.9'],
  description:
    'ADD silently extracts archives and fetches URLs, so what lands in the image depends on the file type and on the network. For plain local files COPY does the same thing predictably.',
  remediation: 'Use COPY for local files and directories; keep ADD only for archives you want extracted or for remote sources with `--checksum`.',
  check(model, report) {
    for (const stage of model.stages) {
      for (let n = 0; n < stage.instructions.length; n++) if (stage.keywords[n] === 'ADD') checkAdd(model, stage, stage.instructions[n], report);
      // ONBUILD ADD triggers run in the child build.
      for (const t of stage.onbuild) if (t.keyword === 'ADD') checkAdd(model, stage, t.trigger, report);
    }
  },
};

function checkAdd(model: DockerfileModel, stage: Stage, ins: Instruction, report: Reporter): void {
  const flags = (ins as unknown as { getFlags(): Array<{ getName(): string }> }).getFlags();
  for (const f of flags) if (ADD_ONLY_FLAGS.has(f.getName().toLowerCase())) return;
  const { json, words } = instructionArgs(model, ins);
  if (words.length < 2) return;
  // Sources read as BuildKit reads them: quotes removed, variables expanded.
  let kind: SourceKind = 'local';
  for (let n = 0; n < words.length - 1 && kind !== 'unknown'; n++) {
    if (words[n].value.startsWith('<<')) continue; // heredoc: inline content, never unpacked
    const exp = expandWord(model, words[n], stage.table, json);
    const k = exp.unresolved ? 'unknown' : sourceKind(exp.value);
    if (k !== 'local' && (kind === 'local' || kind === 'maybe-archive')) kind = k;
  }
  // Archives are extracted and remote sources fetched: that is what ADD is for.
  if (kind !== 'local' && kind !== 'maybe-archive') return;
  const kw = keywordRange(ins);
  const keyword = ins.getInstruction();
  const copy = keyword === keyword.toLowerCase() ? 'copy' : 'COPY';
  const fix: Fix =
    kind === 'local'
      ? { kind: 'quickfix', safe: true, preferred: true, edits: [{ range: kw, newText: copy }], ...fixTitle('docker.addInsteadOfCopy.replace-add-with-copy', 'Replace ADD with COPY') }
      : // A pattern may match a tar archive, which ADD unpacks and COPY would not.
        { kind: 'quickfix', safe: false, edits: [{ range: kw, newText: copy }], ...fixTitle('docker.addInsteadOfCopy.replace-add-with-copy-2', 'Replace ADD with COPY (if no file it matches is a tar archive)') };
  report({
    range: kw,
    fixes: [fix],
    ...(kind === 'local' ? msg('docker.addInsteadOfCopy.use-copy-instead-of', 'Use COPY instead of ADD to copy local files: ADD also extracts archives and downloads URLs.') : msg('docker.addInsteadOfCopy.use-copy-instead-of-2', 'Use COPY instead of ADD to copy local files, unless a file this pattern matches is a tar archive to extract: ADD unpacks those.')),
  });
}
