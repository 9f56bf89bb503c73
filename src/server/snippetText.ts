/**
 * Snippet fixes carry their final indentation (the core computes it from the syntax tree), so the
 * editor must insert them as they are. VS Code re-indents every line of a snippet after the first
 * to the insertion line's indentation unless `keepWhitespace` is set, which hosts learnt in 1.98;
 * on older hosts the snippet is applied as plain text with its default values instead.
 * Pure: no `vscode` import, so it is unit-tested in plain Node.
 */

/** First VS Code version whose `TextEditor.insertSnippet` honours `keepWhitespace`. */
export const KEEP_WHITESPACE_SINCE: readonly [number, number] = [1, 98];

/** Whether a VS Code version string (`1.139.1`, `1.98.0-insider`) supports `keepWhitespace`. */
export function supportsKeepWhitespace(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const major = Number(m[1]), minor = Number(m[2]);
  return major > KEEP_WHITESPACE_SINCE[0] || (major === KEEP_WHITESPACE_SINCE[0] && minor >= KEEP_WHITESPACE_SINCE[1]);
}

/**
 * The text a snippet inserts when every placeholder keeps its default: `${1:100m}` → `100m`,
 * `${1|a,b|}` → `a`, `$1`/`${1}`/`$0` → nothing, `\$` `\}` `\\` → the character. Variables
 * (`$TM_FILENAME`) are not used by Shipshape's fixes and are dropped.
 */
export function snippetToPlainText(snippet: string): string {
  let i = 0;
  const parse = (stopAtBrace: boolean): string => {
    let text = '';
    while (i < snippet.length) {
      const ch = snippet[i];
      if (ch === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1])) {
        text += snippet[i + 1];
        i += 2;
        continue;
      }
      if (stopAtBrace && ch === '}') return text;
      if (ch === '$') {
        const rest = snippet.slice(i + 1);
        const simple = /^(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
        if (simple) { i += 1 + simple[0].length; continue; }
        const head = /^\{(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
        if (head) {
          i += 1 + head[0].length;
          if (snippet[i] === '}') { i++; continue; }
          if (snippet[i] === ':') {
            i++;
            text += parse(true);
            if (snippet[i] === '}') i++;
            continue;
          }
          if (snippet[i] === '|') {
            const end = snippet.indexOf('|}', i + 1);
            const choices = end < 0 ? '' : snippet.slice(i + 1, end);
            text += (choices.split(/(?<!\\),/)[0] ?? '').replace(/\\(.)/g, '$1');
            i = end < 0 ? snippet.length : end + 2;
            continue;
          }
          // `${1/regex/format/}` transforms: keep nothing, skip to the closing brace.
          const close = snippet.indexOf('}', i);
          i = close < 0 ? snippet.length : close + 1;
          continue;
        }
      }
      text += ch;
      i++;
    }
    return text;
  };
  return parse(false);
}
