/**
 * The secret detector: one pure judgement, shared by every rule that reports credentials
 * (Dockerfile ARG/ENV/RUN/COPY, Kubernetes env, ConfigMaps, Secrets, and later Compose).
 * See README.md in this folder.
 */
import { CredentialFormat, findCredentialFormat } from './formats';
import { NameClass, classifyName, nameWords, nonSecretKeyReason } from './names';
import { ValueSyntax, classifyValue, looksGenerated } from './values';
import { Arg, Text, english, frag } from '../l10n/text';

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

/** The credential formats' titles as templates (by format id), so a message quoting one reads in its locale. */
const FORMAT_TITLES: Readonly<Record<string, Text>> = {
  'aws-access-key-id': frag('secrets.format.aws-access-key-id', 'AWS access key id'),
  'github-token': frag('secrets.format.github-token', 'GitHub token'),
  'github-fine-grained-token': frag('secrets.format.github-fine-grained-token', 'GitHub fine-grained token'),
  'gitlab-token': frag('secrets.format.gitlab-token', 'GitLab token'),
  'slack-token': frag('secrets.format.slack-token', 'Slack token'),
  'slack-app-token': frag('secrets.format.slack-app-token', 'Slack app token'),
  'slack-webhook': frag('secrets.format.slack-webhook', 'Slack webhook URL'),
  'stripe-secret-key': frag('secrets.format.stripe-secret-key', 'Stripe secret key'),
  'google-api-key': frag('secrets.format.google-api-key', 'Google API key'),
  'google-service-account': frag('secrets.format.google-service-account', 'Google service account key'),
  'npm-token': frag('secrets.format.npm-token', 'npm access token'),
  'openai-api-key': frag('secrets.format.openai-api-key', 'OpenAI API key'),
  'anthropic-api-key': frag('secrets.format.anthropic-api-key', 'Anthropic API key'),
  'huggingface-token': frag('secrets.format.huggingface-token', 'Hugging Face token'),
  'pypi-token': frag('secrets.format.pypi-token', 'PyPI upload token'),
  'digitalocean-token': frag('secrets.format.digitalocean-token', 'DigitalOcean token'),
  'docker-hub-token': frag('secrets.format.docker-hub-token', 'Docker Hub access token'),
  'vault-token': frag('secrets.format.vault-token', 'HashiCorp Vault token'),
  'sendgrid-api-key': frag('secrets.format.sendgrid-api-key', 'SendGrid API key'),
  'shopify-token': frag('secrets.format.shopify-token', 'Shopify token'),
  'twilio-api-key': frag('secrets.format.twilio-api-key', 'Twilio API key'),
  'age-secret-key': frag('secrets.format.age-secret-key', 'age secret key'),
  'private-key': frag('secrets.format.private-key', 'PEM private key'),
  'jwt': frag('secrets.format.jwt', 'JSON Web Token'),
  'url-password': frag('secrets.format.url-password', 'password in a URL'),
  'connection-string-password': frag('secrets.format.connection-string-password', 'connection string with a password'),
};

/** A credential format's title ("GitHub token") as a template; the English title for a format the table lacks. */
export function formatTitle(format: CredentialFormat): Arg {
  return Object.prototype.hasOwnProperty.call(FORMAT_TITLES, format.id) ? FORMAT_TITLES[format.id] : format.title;
}

/** The words of a name that say it holds a credential (classifyName's `term`: "password", "API key", "signing key") as a template. */
export function secretTermText(term: string): Arg {
  switch (term) {
    case 'password': return frag('secrets.term.password', 'password');
    case 'passphrase': return frag('secrets.term.passphrase', 'passphrase');
    case 'secret': return frag('secrets.term.secret', 'secret');
    case 'token': return frag('secrets.term.token', 'token');
    case 'credential': return frag('secrets.term.credential', 'credential');
    case 'key': return frag('secrets.term.key', 'key');
    case 'API key': return frag('secrets.term.api-key', 'API key');
    case 'private key': return frag('secrets.term.private-key', 'private key');
    case 'access key': return frag('secrets.term.access-key', 'access key');
    case 'secret key': return frag('secrets.term.secret-key', 'secret key');
    case 'authentication value': return frag('secrets.term.authentication-value', 'authentication value');
  }
  // `signing key`, `ssh key`: the name's own qualifier, in words where it is one (`ssh`, `aws`, `jwt` stay as they are).
  const m = /^(\S+) key$/.exec(term);
  return m ? frag('secrets.term.qualified-key', '{qualifier} key', { qualifier: qualifierText(m[1]) }) : term;
}

/** A word before `key` in a credential's name (names.ts KEY_QUALIFIERS) as a template, where it is a word rather than a name. */
function qualifierText(word: string): Arg {
  switch (word) {
    case 'signing': return frag('secrets.qualifier.signing', 'signing');
    case 'sign': return frag('secrets.qualifier.signing', 'signing');
    case 'encryption': return frag('secrets.qualifier.encryption', 'encryption');
    case 'encrypt': return frag('secrets.qualifier.encryption', 'encryption');
    case 'crypt': return frag('secrets.qualifier.encryption', 'encryption');
    case 'crypto': return frag('secrets.qualifier.encryption', 'encryption');
    case 'cipher': return frag('secrets.qualifier.cipher', 'cipher');
    case 'decryption': return frag('secrets.qualifier.decryption', 'decryption');
    case 'master': return frag('secrets.qualifier.master', 'master');
    case 'client': return frag('secrets.qualifier.client', 'client');
    case 'app': return frag('secrets.qualifier.app', 'app');
    case 'application': return frag('secrets.qualifier.app', 'app');
    case 'session': return frag('secrets.qualifier.session', 'session');
    case 'shared': return frag('secrets.qualifier.shared', 'shared');
    case 'service': return frag('secrets.qualifier.service', 'service');
    case 'account': return frag('secrets.qualifier.account', 'account');
    case 'auth': return frag('secrets.qualifier.auth', 'auth');
    case 'admin': return frag('secrets.qualifier.admin', 'admin');
    case 'deploy': return frag('secrets.qualifier.deploy', 'deploy');
    case 'consumer': return frag('secrets.qualifier.consumer', 'consumer');
    case 'subscription': return frag('secrets.qualifier.subscription', 'subscription');
    case 'storage': return frag('secrets.qualifier.storage', 'storage');
    case 'license': return frag('secrets.qualifier.license', 'license');
    case 'licence': return frag('secrets.qualifier.license', 'license');
    case 'server': return frag('secrets.qualifier.server', 'server');
    case 'db': return frag('secrets.qualifier.database', 'database');
    case 'database': return frag('secrets.qualifier.database', 'database');
    case 'recovery': return frag('secrets.qualifier.recovery', 'recovery');
    case 'backup': return frag('secrets.qualifier.backup', 'backup');
    case 'registration': return frag('secrets.qualifier.registration', 'registration');
    case 'enrollment': return frag('secrets.qualifier.registration', 'registration');
    case 'install': return frag('secrets.qualifier.install', 'install');
    case 'agent': return frag('secrets.qualifier.agent', 'agent');
    case 'ingest': return frag('secrets.qualifier.ingest', 'ingest');
    case 'write': return frag('secrets.qualifier.write', 'write');
    case 'read': return frag('secrets.qualifier.read', 'read');
    case 'integration': return frag('secrets.qualifier.integration', 'integration');
    case 'user': return frag('secrets.qualifier.user', 'user');
  }
  return word;
}

/** Why a value of a credential format is a secret: "value matches the GitHub token format". */
export function formatReason(format: CredentialFormat): Text {
  if (format.id === 'url-password') return frag('secrets.reason.url-password', 'the value is a URL with a literal password');
  if (format.id === 'connection-string-password') return frag('secrets.reason.connection-string-password', 'the value is a connection string with a literal password');
  return frag('secrets.reason.format', 'value matches the {format} format', { format: formatTitle(format) });
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
  if (value === undefined) return yes('named', frag('secrets.reason.named', 'the name {name} names a {term}', { name: String(name), term: secretTermText(nc.term) }));
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
