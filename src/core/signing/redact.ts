/**
 * Removing secrets from text before it reaches a message, an output channel or a log. cosign
 * does not normally echo the key password, but a wrapper script, a shell trace (`set -x`), a
 * `printf %q` in a wrapper or a future error message might; we never rely on that. Every
 * spelling of a secret we can compute is removed: as is, JSON-escaped, shell-quoted (POSIX
 * single quotes, `printf %q`, `$'…'`, double quotes), and percent-encoded (URI component, URI,
 * form encoding, every byte, either hex case).
 */

/** What a removed secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Options of `redact`. */
export interface RedactOptions {
  /**
   * The text is the tail of something longer (a capped stderr): it may begin in the middle of a
   * secret. A start that is the end of any spelling of a secret is removed too.
   */
  truncatedStart?: boolean;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Characters `printf %q` (bash) escapes with a backslash. */
const SHELL_SPECIAL = /[ \t!"#$&'()*,;<=>?[\\\]^`{|}~]/g;

function percentEncodeAll(secret: string, upper: boolean): string {
  let out = '';
  for (const byte of Buffer.from(secret, 'utf8')) {
    const hex = byte.toString(16).padStart(2, '0');
    out += `%${upper ? hex.toUpperCase() : hex}`;
  }
  return out;
}

function ansiC(secret: string): string {
  return `$'${secret.replace(/[\\']/g, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/** Every spelling of one secret we know how to produce, longest first. */
export function secretSpellings(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  const component = encodeURIComponent(secret);
  forms.add(component);
  forms.add(component.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(encodeURI(secret));
  forms.add(component.replace(/%20/g, '+'));
  forms.add(percentEncodeAll(secret, true));
  forms.add(percentEncodeAll(secret, false));
  // POSIX single quotes as bash's `set -x` prints them: 'it'\''s'.
  forms.add(`'${secret.replace(/'/g, `'\\''`)}'`);
  forms.add(secret.replace(/'/g, `'\\''`));
  // printf %q and shell backslash escaping.
  forms.add(secret.replace(SHELL_SPECIAL, '\\$&'));
  forms.add(ansiC(secret));
  // Inside double quotes.
  forms.add(secret.replace(/["\\$`]/g, '\\$&'));
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * Replaces every occurrence of each secret in text (in every spelling of secretSpellings), and
 * any `COSIGN_PASSWORD=value` assignment. Longer spellings go first so a secret that contains
 * another is removed whole.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>, options: RedactOptions = {}): string {
  let out = text;
  const distinct = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length > 0))];
  const spellings = [...new Set(distinct.flatMap(secretSpellings))].sort((a, b) => b.length - a.length);
  for (const form of spellings) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
    // Percent-encodings in the other hex case than we computed.
    if (/%[0-9a-fA-F]{2}/.test(form)) out = out.replace(new RegExp(escapeRegExp(form).replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => `%(?:${h.toUpperCase()}|${h.toLowerCase()})`), 'gi'), REDACTED);
  }
  if (options.truncatedStart) out = redactCutStart(out, spellings);
  return out.replace(/(COSIGN_PASSWORD\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|\S+)/g, `$1${REDACTED}`);
}

/** Removes a start of text that is the end of some spelling of a secret (the text was cut there). */
function redactCutStart(text: string, spellings: readonly string[]): string {
  let longest = 0;
  for (const form of spellings) {
    for (let k = Math.min(form.length - 1, text.length); k > longest; k--) {
      if (text.startsWith(form.slice(form.length - k))) {
        longest = k;
        break;
      }
    }
  }
  return longest > 0 ? `${REDACTED}${text.slice(longest)}` : text;
}
