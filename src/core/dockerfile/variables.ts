/** Expansion of Dockerfile variables (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`). */

/** Known values: undefined = declared without a value. */
export type VariableTable = ReadonlyMap<string, string | undefined>;

export interface Expansion {
  value: string;
  /** True when some variable had no value (and no default applied). */
  unresolved: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Expands variables in a Dockerfile word like BuildKit does for FROM, USER, ENV… */
export function expandVariables(text: string, vars: VariableTable, escapeChar = '\\'): Expansion {
  if (!text.includes('$')) return { value: text, unresolved: false };
  let out = '';
  let unresolved = false;
  const lookup = (name: string): string | undefined => vars.get(name);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escapeChar && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        out += text.slice(i);
        unresolved = true;
        break;
      }
      const body = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
      i = close;
      if (!m) {
        unresolved = true;
        continue;
      }
      const value = lookup(m[1]);
      const op = m[2];
      const word = m[3] ?? '';
      const set = value !== undefined && (op?.startsWith(':') ? value !== '' : true);
      if (op === ':-' || op === '-') {
        if (set) out += value;
        else {
          const inner = expandVariables(word, vars, escapeChar);
          out += inner.value;
          unresolved ||= inner.unresolved;
        }
      } else if (op === ':+' || op === '+') {
        if (set) {
          const inner = expandVariables(word, vars, escapeChar);
          out += inner.value;
          unresolved ||= inner.unresolved;
        }
      } else if (value !== undefined) out += value;
      else unresolved = true;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1, i + 257));
    if (!m) {
      out += c;
      continue;
    }
    const value = lookup(m[0]);
    if (value !== undefined) out += value;
    else unresolved = true;
    i += m[0].length;
  }
  return { value: out, unresolved };
}
