/**
 * What a value is, as far as secrets go: nothing (empty, null, an empty list), a reference to a
 * value supplied elsewhere (`$X`, `${X}`, `$(cmd)`, `{{ … }}`), a path, a number, a boolean, a
 * URL without credentials, or a literal that could be a secret.
 */

export type ValueKind = 'empty' | 'reference' | 'path' | 'number' | 'boolean' | 'url' | 'literal';

/** The verdict on a value, with a phrase for messages ("the value is a path"). */
export interface ValueClass { kind: ValueKind; why: string }

const EMPTY_WORDS = new Set(['null', 'none', 'nil', '~', 'undefined', '""', "''", '[]', '{}', '<none>', '<nil>']);
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'enabled', 'disabled', 'enable', 'disable', 'y', 'n']);

/** `$X`, `${X}`, `$(cmd)`, `` `cmd` ``, `{{ … }}`, `#{…}`, `%X%`, `<%= … %>`: filled in elsewhere. */
const REFERENCE = /\$\{[^}]*\}|\$\([^)]*\)?|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|#\{[^}]*\}|`[^`]+`|^%[A-Za-z_][A-Za-z0-9_]*%$|<%=?[^%]*%>/;
/**
 * The same where Kubernetes reads the value: it expands only `$(NAME)`, so `pa$sword` is a
 * literal; a value that is one `$NAME` and nothing else is still a template's placeholder.
 */
const REFERENCE_NO_BARE = /\$\{[^}]*\}|\$\([^)]*\)?|\{\{[^}]*\}\}|#\{[^}]*\}|^%[A-Za-z_][A-Za-z0-9_]*%$|<%=?[^%]*%>|^\$[A-Za-z_][A-Za-z0-9_]*$/;

/** How values are written where they come from. */
export interface ValueSyntax {
  /** `$NAME` is a reference (shells, Dockerfiles, Compose); false where only `$(NAME)`/`${NAME}` are (Kubernetes env). */
  bareDollar?: boolean;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** Numbers with a unit: durations (`30s`, `1h30m`), sizes (`10Mi`, `4KB`), percentages. */
const QUANTITY = /^\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y|ki|mi|gi|ti|k|g|t|kb|mb|gb|tb|b|%)(\d+(ns|us|ms|s|m|h))*$/i;
const ABSOLUTE_PATH = /^(\/|~\/|\.\.?\/|[A-Za-z]:[\\/]|\\\\)[^\s]*$/;
/** A relative path that names a file with an extension or ends with a slash: `conf/app.json`, `certs/`. */
const RELATIVE_PATH = /^[\w.@-]+(\/[\w.@-]+)*(\.[A-Za-z][A-Za-z0-9]{0,7}|\/)$/;
const FILE_NAME = /^[\w.-]+\.(json|ya?ml|txt|pem|key|crt|cer|p12|pfx|jks|conf|cfg|ini|properties|env|xml|toml|gpg|asc|pub|der|keystore|kubeconfig)$/i;
const URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s]*$/;

/** Classifies a value (already unquoted). */
export function classifyValue(value: string, syntax: ValueSyntax = {}): ValueClass {
  const v = value.trim();
  const reference = syntax.bareDollar === false ? REFERENCE_NO_BARE : REFERENCE;
  if (v === '' || EMPTY_WORDS.has(v.toLowerCase())) return { kind: 'empty', why: 'the value is empty' };
  if ((v.includes('$') || v.includes('{') || v.includes('`') || v.includes('%')) && reference.test(v)) {
    return { kind: 'reference', why: 'the value refers to a variable or template filled in elsewhere' };
  }
  if (BOOLEAN_WORDS.has(v.toLowerCase())) return { kind: 'boolean', why: 'the value is a boolean' };
  if (NUMBER.test(v) || QUANTITY.test(v)) return { kind: 'number', why: 'the value is a number' };
  if (URL.test(v)) {
    // A URL whose credentials are literal is judged as a credential format (see formats.ts).
    return { kind: 'url', why: 'the value is a URL without credentials' };
  }
  if (ABSOLUTE_PATH.test(v) || (v.includes('/') && RELATIVE_PATH.test(v) && !looksEncoded(v)) || FILE_NAME.test(v)) {
    return { kind: 'path', why: 'the value is a path' };
  }
  return { kind: 'literal', why: 'the value is a literal' };
}

/** Base64-looking text with a slash (`wJalr…/K7MDENG/…`) is not a path. */
function looksEncoded(v: string): boolean {
  return v.length >= 20 && /[A-Z]/.test(v) && /[a-z]/.test(v) && /\d/.test(v) && !v.includes('.');
}

/**
 * Whether a literal looks machine-generated (a key rather than a word): long enough, and mixing
 * character classes or hex. Used for names that only weakly say "credential" (`KEY`, `AUTH`).
 */
export function looksGenerated(value: string): boolean {
  const v = value.trim();
  if (v.length < 16 || /\s/.test(v)) return false;
  if (/^[0-9a-f]{32,}$/i.test(v)) return true;
  let classes = 0;
  if (/[a-z]/.test(v)) classes++;
  if (/[A-Z]/.test(v)) classes++;
  if (/\d/.test(v)) classes++;
  if (/[^A-Za-z0-9]/.test(v)) classes++;
  return classes >= 3 && entropy(v) >= 3.5;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Removes one pair of matching surrounding quotes. */
export function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}
