import { Rule } from '../../model';
import { DockerfileModel, keywordRange, plainArguments } from '../model';

const ARCHIVE = /\.(tar|tar\.\w+|t[gbx]z|tbz2|tb2|tz|gz|bz2|xz|lz|lzma|lzo|zst|Z)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;
/** Flags only ADD understands: turning those into COPY would break the build. */
const ADD_ONLY_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);

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
      for (let n = 0; n < stage.instructions.length; n++) {
        const ins = stage.instructions[n];
        if (stage.keywords[n] !== 'ADD') continue;
        const withFlags = ins as unknown as { getFlags(): Array<{ getName(): string }> };
        const flags = withFlags.getFlags().map((f) => f.getName().toLowerCase());
        const args = plainArguments(model, ins).map((a) => a.getValue());
        const sources = args.slice(0, -1);
        if (!sources.length) continue;
        if (sources.some((s) => ARCHIVE.test(s) || REMOTE.test(s) || s.includes('$'))) continue;
        const kw = keywordRange(ins);
        const fixable = !flags.some((f) => ADD_ONLY_FLAGS.has(f));
        const keyword = ins.getInstruction();
        report({
          message: 'Use COPY instead of ADD to copy local files: ADD also extracts archives and downloads URLs.',
          range: kw,
          fixes: fixable
            ? [{ title: 'Replace ADD with COPY', kind: 'quickfix', safe: true, preferred: true, edits: [{ range: kw, newText: keyword === keyword.toLowerCase() ? 'copy' : 'COPY' }] }]
            : [],
        });
      }
    }
  },
};
