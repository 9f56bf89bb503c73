/**
 * The secret detector: one pure judgement, shared by every rule that reports credentials
 * (Dockerfile ARG/ENV/RUN/COPY, Kubernetes env, ConfigMaps, Secrets, and later Compose).
 * See README.md in this folder.
 */
import { CredentialFormat, findCredentialFormat } from './formats';
import { NameClass, classifyName, nameWords, nonSecretKeyReason } from './names';
import { ValueSyntax, classifyValue, looksGenerated } from './values';
import { Text, english, frag } from '../l10n/text';

export { CREDENTIAL_FORMATS, findCredentialFormat } from './formats';
export type { CredentialFormat, FormatMatch } from './formats';
export { classifyName, nameWords, CREDENTIAL_FILE_VARIABLES } from './names';
export type { NameClass } from './names';
export { classifyValue, looksGenerated, unquote } from './values';
export type { ValueClass, ValueKind, ValueSyntax } from './values';
export { judgeSecretFile } from './files';
export type { FileJudgement } from './files';

/** What to judge: a name, a value, or both. */
export interface SecretInput {
  /** Variable or key name (`DB_PASSWORD`, `spring.datasource.password`). */
  name?: string;
  /**
   * The value as the consumer sees it (unquoted). `undefined` means no value is given, and the
   * name is judged alone (an `ARG TOKEN` without a default); `''` is an empty value.
   */
  value?: string;
  /**
   * `secret-store`: the value sits in a place meant for secrets (a Kubernetes Secret), so any
   * literal counts unless the name says it is not secret (`username`, `tls.crt`, `host`).
   */
  context?: 'default' | 'secret-store';
  /** How references are written where the value comes from (see ValueSyntax). */
  syntax?: ValueSyntax;
  /**
   * The text searched for credential formats when it differs from `value`: the value as written,
   * before variables are expanded (the expanded parts are judged where they are defined).
   */
  formatText?: string;
}

/** The verdict, with a reason a user can read. */
export interface SecretJudgement {
  secret: boolean;
  /** "value matches the GitHub token format", "the name DB_PASSWORD and a literal value". */
  reason: string;
  /** `reason` as a template, for other locales (set for secrets: the reasons messages quote). */
  reasonText?: Text;
  /**
   * Secrets: a format id (`github-token`, `url-password`…), `aws-secret-access-key`,
   * `named-literal`, `named-generated`, `basic-auth`, `named` (name alone) or
   * `secret-store-literal`.
   * Not secrets: `empty`, `reference`, `path`, `number`, `boolean`, `url`, `placeholder`,
   * `descriptive-name`, `neutral-name` or `weak-name`.
   */
  kind: string;
  /** The format matched, for format verdicts. */
  format?: CredentialFormat;
}

/** A secret verdict with its reason (English and template). */
function yes(kind: string, reason: Text): SecretJudgement {
  return { secret: true, kind, reason: english(reason), reasonText: reason };
}

function namedLiteral(name: string | undefined): Text {
  return frag('secrets.reason.named-literal', 'the name {name} and a literal value', { name: String(name) });
}

/** Why a value of a credential format is a secret: "value matches the GitHub token format". */
export function formatReason(format: CredentialFormat): Text {
  if (format.id === 'url-password') return frag('secrets.reason.url-password', 'the value is a URL with a literal password');
  if (format.id === 'connection-string-password') return frag('secrets.reason.connection-string-password', 'the value is a connection string with a literal password');
  return frag('secrets.reason.format', 'value matches the {format} format', { format: format.title });
}

const AWS_SECRET_KEY = /^[A-Za-z0-9/+=]{40}$/;

/** Judges whether a name/value pair (or a value alone, or a name alone) is a credential. */
export function judgeSecret(input: SecretInput): SecretJudgement {
  const { name, context = 'default' } = input;
  const formatText = input.formatText ?? input.value;
  if (formatText) {
    const m = findCredentialFormat(formatText);
    if (m) return { ...yes(m.format.id, formatReason(m.format)), format: m.format };
  }
  const nc: NameClass = name ? classifyName(name) : { kind: 'neutral' };
  if (nc.kind === 'neutral' && context !== 'secret-store') return { secret: false, kind: 'neutral-name', reason: name ? `the name ${name} does not name a credential` : 'the value has no known credential format' };
  // Trimmed only once the name says the value matters: an expanded PATH can be long.
  const value = input.value?.trim();
  if (nc.kind === 'descriptive') return { secret: false, kind: 'descriptive-name', reason: `the name ${name} ${nc.why}, not a secret` };
  if (context === 'secret-store' || nc.kind !== 'secret') return judgeStored(name, value, input.syntax, nc);
  if (value === undefined) return yes('named', frag('secrets.reason.named', 'the name {name} names a {term}', { name: String(name), term: nc.term }));
  const vc = classifyValue(value, input.syntax);
  if (vc.kind !== 'literal') return { secret: false, kind: vc.kind, reason: vc.why };
  if (isPlaceholder(value, name)) return { secret: false, kind: 'placeholder', reason: 'the value is a placeholder to fill in' };
  if (AWS_SECRET_KEY.test(value) && name && nameWords(name).includes('aws')) {
    return yes('aws-secret-access-key', frag('secrets.reason.aws-secret-access-key', 'the name {name} and a value in the AWS secret access key format', { name: String(name) }));
  }
  if (nc.strength === 'strong') return yes('named-literal', namedLiteral(name));
  if (nc.term === 'authentication value' && isBasicAuth(value)) {
    return yes('basic-auth', frag('secrets.reason.basic-auth', 'the name {name} and a base64 user:password (HTTP basic authentication)', { name: String(name) }));
  }
  if (looksGenerated(value)) return yes('named-generated', frag('secrets.reason.named-generated', 'the name {name} and a value that looks generated', { name: String(name) }));
  return { secret: false, kind: 'weak-name', reason: `the name ${name} only hints at a ${nc.term} and the value does not look like one` };
}

function judgeStored(name: string | undefined, value: string | undefined, syntax: ValueSyntax | undefined, nc: NameClass): SecretJudgement {
  if (name && !(nc.kind === 'secret' && nc.strength === 'strong')) {
    const why = nonSecretKeyReason(name);
    if (why) return { secret: false, kind: 'descriptive-name', reason: `the key ${name} ${why}, not a secret` };
  }
  if (value === undefined) return yes('secret-store-literal', frag('secrets.reason.stored-as-secret', 'a value stored as a secret'));
  const vc = classifyValue(value, syntax);
  // In a Secret, a number or a URL is still what the Secret protects (a PIN, a webhook URL).
  if (vc.kind === 'empty' || vc.kind === 'reference' || vc.kind === 'boolean' || vc.kind === 'path') return { secret: false, kind: vc.kind, reason: vc.why };
  if (isPlaceholder(value, name)) return { secret: false, kind: 'placeholder', reason: 'the value is a placeholder' };
  if (nc.kind === 'secret' && nc.strength === 'strong') return yes('named-literal', namedLiteral(name));
  return yes('secret-store-literal', frag('secrets.reason.literal-in-secret', 'a literal value stored in a Secret'));
}

/** `auth` values of Docker's config.json and of HTTP basic authentication: base64 of `user:password`. */
function isBasicAuth(value: string): boolean {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  let text: string;
  try {
    text = atob(value);
  } catch {
    return false;
  }
  const colon = text.indexOf(':');
  return colon > 0 && colon < text.length - 1 && /^[\x20-\x7e]+$/.test(text);
}

/** Placeholders written to be replaced: `<your-token>`, `YOUR_API_KEY`, `INSERT_TOKEN`, `xxxx`, a value that repeats its own name (`GOOGLE_API_KEY_VAL`). */
const PLACEHOLDER = /^(<[^<>]+>|\[[^\]]+\]|x{3,}|\*{3,}|\.{3,}|…|(your|insert|replace|enter|put|paste|fill)[-_ ].*|.*[-_ ](here|goes[-_ ]here)|todo|tbd|fixme|redacted|dummy|none)$/i;

/** Whether a literal is a placeholder rather than a value (see PLACEHOLDER). */
export function isPlaceholder(value: string, name?: string): boolean {
  if (PLACEHOLDER.test(value)) return true;
  if (!name || name.length < 6) return false;
  return value.toLowerCase().replace(/[-_.]/g, '').includes(name.toLowerCase().replace(/[-_.]/g, ''));
}

/**
 * How a secret may appear in a message: its first characters and its length at most, never
 * more than a quarter of it (`"ghp_…" (40 characters)`, `5 characters` for a short one).
 */
/** `maskSecret` as a fragment of a message, for other locales. */
export function maskSecretText(value: string): Text {
  const chars = Array.from(value);
  const n = chars.length;
  const show = Math.min(4, Math.floor(n / 4));
  const length = n === 1 ? frag('secrets.mask.one-character', '1 character') : frag('secrets.mask.characters', '{n} characters', { n });
  if (show === 0) return length;
  return frag('secrets.mask.start', '"{start}…" ({length})', { start: chars.slice(0, show).join(''), length });
}

export function maskSecret(value: string): string {
  const chars = Array.from(value);
  const n = chars.length;
  const show = Math.min(4, Math.floor(n / 4));
  const length = `${n} character${n === 1 ? '' : 's'}`;
  if (show === 0) return length;
  return `"${chars.slice(0, show).join('')}…" (${length})`;
}
