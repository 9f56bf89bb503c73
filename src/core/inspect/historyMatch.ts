/**
 * Which Dockerfile instruction made which history entry of an image. The config's history holds
 * the base image's entries first, then one per instruction of the build (BuildKit writes
 * `RUN /bin/sh -c … # buildkit`, `COPY . . # buildkit`, `WORKDIR /app`; the classic builder
 * `/bin/sh -c #(nop) COPY file:… in /app` and `/bin/sh -c …` for RUN). The entries are matched
 * to the final stage's instructions (and its parent stages') from the end, keyword by keyword.
 * No Dockerfile parser here (the editor's extension host reads archives with it):
 * `finalImageInstructions` (history.ts) reads the Dockerfile.
 */

/** One entry of the image config's `history`. */
export interface HistoryEntry {
  createdBy?: string;
  emptyLayer?: boolean;
}

const KEYWORDS = new Set([
  'RUN', 'COPY', 'ADD', 'WORKDIR', 'ENV', 'LABEL', 'USER', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'ARG', 'VOLUME',
  'HEALTHCHECK', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'MAINTAINER',
]);

/** The Dockerfile keyword a `created_by` was written for, or undefined when it does not say. */
export function historyKeyword(createdBy: string | undefined): string | undefined {
  if (!createdBy) return undefined;
  const s = createdBy.trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s+([A-Z]+)\b/.exec(s);
  if (nop) return KEYWORDS.has(nop[1]) ? nop[1] : undefined;
  // Classic builder RUN, with build arguments first when the RUN used any (`|2 A=1 B=2 /bin/sh -c …`).
  if (/^(\|\d+ .*?)?\/bin\/(ba)?sh -c /.test(s) || /^(\|\d+ .*?)?(cmd \/S \/C|powershell) /i.test(s)) return 'RUN';
  const word = /^([A-Z]+)\b/.exec(s);
  return word && KEYWORDS.has(word[1]) ? word[1] : undefined;
}

/** An instruction of the final image's stages, with its 1-based line. */
export interface BuildInstruction { keyword: string; line: number }

/**
 * For each history entry, the line of the instruction that made it (undefined for the base
 * image's entries and anything that could not be matched). Matching runs from the last entry
 * and the last instruction backwards; an ARG may be missing on either side (BuildKit records
 * none, the classic builder one); any other disagreement ends the match, since what lies before
 * it is the base image's.
 */
export function matchHistory(history: readonly HistoryEntry[], instructions: readonly BuildInstruction[]): Array<number | undefined> {
  const lines: Array<number | undefined> = history.map(() => undefined);
  let h = history.length - 1;
  let i = instructions.length - 1;
  while (h >= 0 && i >= 0) {
    const hk = historyKeyword(history[h].createdBy);
    const ik = instructions[i].keyword;
    if (hk === ik) {
      lines[h] = instructions[i].line;
      h--;
      i--;
    } else if (ik === 'ARG') i--;
    else if (hk === 'ARG') h--;
    else break;
  }
  return lines;
}
