/**
 * The `key=value` / `key: value` lines of a properties, INI, TOML or .env file (or of a heredoc),
 * with offsets into the text. No parser needed, so the Dockerfile analysis can use it too.
 */

/** One entry: its key, its value as text, and the offsets of `key … value` in the content. */
export interface EmbeddedEntry { name: string; value: string; start: number; end: number }

/** Entries beyond this many are not read (a huge embedded file is not a config file). */
export const MAX_ENTRIES = 5000;

// The value runs to the end of the line (trimmed in code: a lazy `(.*?)\s*$` is quadratic on long lines).
const LINE = /^[ \t]*(?:export[ \t]+)?["']?([A-Za-z0-9_.\-[\]/@]+)["']?[ \t]*[=:][ \t]*(.*)$/;

const NPMRC = /^[ \t]*\/\/[^\s:]*(?::[^\s:]*)*?:([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=[ \t]*(.*)$/;

/** Entries of a properties/INI/TOML/.env file, one per `key=value` line. */
export function lineEntries(content: string): EmbeddedEntry[] {
  const out: EmbeddedEntry[] = [];
  let start = 0;
  while (start <= content.length && out.length < MAX_ENTRIES) {
    let end = content.indexOf('\n', start);
    if (end < 0) end = content.length;
    const line = content.slice(start, end).replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed && trimmed[0] !== '#' && trimmed[0] !== ';' && trimmed[0] !== '[') {
      // `.npmrc`: `//registry.npmjs.org/:_authToken=…` scopes a setting to a registry; other
      // lines starting with `//` are comments.
      const m = trimmed.startsWith('//') ? NPMRC.exec(line) : LINE.exec(line);
      if (m) {
        const keyAt = line.indexOf(m[1]);
        let value = m[2].replace(/[ \t]+$/, '');
        if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) value = value.slice(1, -1);
        out.push({ name: m[1], value, start: start + keyAt, end: start + line.length });
      }
    }
    if (end >= content.length) break;
    start = end + 1;
  }
  return out;
}
