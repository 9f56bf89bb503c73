/**
 * What a variable or key name says about its value: a credential, a description of where a
 * credential is or what it looks like, or nothing either way. Names are split into words
 * (snake_case, kebab-case, dotted, camelCase), so `KEYBOARD` and `BYPASS` are not keys or
 * passwords, while `dbPassword` and `DB_PASSWORD` both are.
 */

/** How strongly a name says "credential". */
export type NameStrength = 'strong' | 'weak';

/** The verdict on a name. */
export type NameClass =
  /** The name names a credential; `term` is the words that say so (`password`, `api key`). */
  | { kind: 'secret'; strength: NameStrength; term: string; known?: boolean }
  /** The name describes a location, format or property of a secret, or a public value. */
  | { kind: 'descriptive'; why: string }
  /** Nothing in the name says credential. */
  | { kind: 'neutral' };

/**
 * Splits a name into lower-case words: `DB_PASSWORD` → db, password; `secretAccessKey` →
 * secret, access, key; `HTTPServerToken` → http, server, token; `x.auth-token` → x, auth, token.
 */
export function nameWords(name: string): string[] {
  const out: string[] = [];
  let word = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    const code = name.charCodeAt(i);
    const upper = code >= 65 && code <= 90;
    const lower = code >= 97 && code <= 122;
    const digit = code >= 48 && code <= 57;
    if (!upper && !lower && !digit) {
      if (word) out.push(word.toLowerCase());
      word = '';
      continue;
    }
    if (upper && word) {
      const prev = name.charCodeAt(i - 1);
      const prevLower = (prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57);
      const next = name.charCodeAt(i + 1);
      const nextLower = next >= 97 && next <= 122;
      const prevUpper = prev >= 65 && prev <= 90;
      // `dbPassword` breaks before P; `HTTPServer` breaks before the S that starts "Server".
      if (prevLower || (prevUpper && nextLower)) {
        out.push(word.toLowerCase());
        word = '';
      }
    }
    word += c;
  }
  if (word) out.push(word.toLowerCase());
  return out;
}

/** Words that name a credential on their own. */
const STRONG_WORDS = new Map<string, string>([
  ['password', 'password'], ['passwd', 'password'], ['pwd', 'password'], ['pass', 'password'], ['pw', 'password'],
  ['passphrase', 'passphrase'], ['pword', 'password'], ['pswd', 'password'], ['psw', 'password'], ['passw', 'password'],
  ['secret', 'secret'], ['secrets', 'secret'], ['token', 'token'], ['tokens', 'token'], ['apikey', 'API key'],
  ['credential', 'credential'], ['credentials', 'credential'], ['creds', 'credential'], ['cred', 'credential'],
  ['privatekey', 'private key'], ['accesskey', 'access key'], ['secretkey', 'secret key'], ['apitoken', 'token'],
  ['authtoken', 'token'], ['accesstoken', 'token'], ['clientsecret', 'secret'], ['appsecret', 'secret'],
  // Jenkins' `credentials()` binding defines NAME_USR and NAME_PSW (Trivy DS-0031 lists both).
  ['usr', 'credential'],
]);

/** Compound words (no separator) that end in a credential word: `dbpassword`, `adminpass`, `clientsecret`. */
const STRONG_SUFFIXES: ReadonlyArray<[string, string]> = [
  ['password', 'password'], ['passwd', 'password'], ['passphrase', 'passphrase'], ['secret', 'secret'], ['apikey', 'API key'],
  ['token', 'token'], ['accesskey', 'access key'], ['secretkey', 'secret key'], ['privatekey', 'private key'],
];

/** Words before `key` that make it a credential: `API_KEY`, `SIGNING_KEY`, `MASTER_KEY`. */
const KEY_QUALIFIERS = new Set([
  'api', 'private', 'secret', 'access', 'signing', 'sign', 'encryption', 'encrypt', 'crypt', 'crypto', 'cipher', 'master',
  'client', 'app', 'application', 'session', 'jwt', 'hmac', 'aes', 'shared', 'service', 'account', 'auth', 'admin',
  'root', 'ssh', 'deploy', 'consumer', 'subscription', 'storage', 'license', 'licence', 'webhook', 'server', 'rsa',
  'tls', 'ssl', 'x509', 'decryption', 'db', 'database', 'cookie', 'csrf', 'otp', 'totp', 'mfa', 'recovery', 'backup',
  'vault', 'kms', 'gcp', 'aws', 'azure', 'stripe', 'openai', 'anthropic', 'sendgrid', 'mailgun', 'twilio', 'slack',
  'license', 'registration', 'install', 'enrollment', 'agent', 'ingest', 'write', 'read', 'integration', 'user',
]);

/** Words that, as the last word of a name, say it describes a secret rather than holds one. */
const DESCRIPTIVE_LAST = new Map<string, string>([
  ['file', 'a file'], ['files', 'a file'], ['path', 'a path'], ['paths', 'a path'], ['dir', 'a directory'],
  ['directory', 'a directory'], ['folder', 'a directory'], ['location', 'a location'], ['loc', 'a location'],
  ['url', 'a URL'], ['uri', 'a URL'], ['urls', 'a URL'], ['endpoint', 'an endpoint'], ['host', 'a host'],
  ['hostname', 'a host'], ['server', 'a server'], ['port', 'a port'], ['addr', 'an address'], ['address', 'an address'],
  ['name', 'a name'], ['names', 'a name'], ['ref', 'a reference'], ['reference', 'a reference'], ['arn', 'a reference'],
  ['ttl', 'a lifetime'], ['lifetime', 'a lifetime'], ['expiry', 'a lifetime'], ['expiration', 'a lifetime'],
  ['expires', 'a lifetime'], ['expire', 'a lifetime'], ['timeout', 'a duration'], ['duration', 'a duration'],
  ['age', 'a duration'], ['interval', 'a duration'], ['rotation', 'a schedule'], ['length', 'a length'],
  ['len', 'a length'], ['size', 'a size'], ['bits', 'a size'], ['min', 'a limit'], ['max', 'a limit'],
  ['count', 'a count'], ['mode', 'a mode'], ['type', 'a type'], ['kind', 'a type'], ['format', 'a format'],
  ['alg', 'an algorithm'], ['algo', 'an algorithm'], ['algorithm', 'an algorithm'], ['hash', 'an algorithm'],
  ['digest', 'an algorithm'], ['cipher', 'an algorithm'], ['alias', 'an alias'], ['header', 'a header name'],
  ['param', 'a parameter name'], ['field', 'a field name'], ['prefix', 'a prefix'], ['suffix', 'a suffix'],
  ['enabled', 'a switch'], ['enable', 'a switch'], ['disabled', 'a switch'], ['disable', 'a switch'],
  ['required', 'a switch'], ['optional', 'a switch'], ['on', 'a switch'], ['off', 'a switch'], ['flag', 'a switch'],
  ['policy', 'a policy'], ['pattern', 'a pattern'], ['regex', 'a pattern'], ['hint', 'a hint'], ['prompt', 'a prompt'],
  ['help', 'a help text'], ['description', 'a description'], ['label', 'a label'], ['message', 'a message'],
  ['provider', 'a provider'], ['method', 'a method'], ['methods', 'a method'], ['strategy', 'a method'],
  ['scheme', 'a method'], ['backend', 'a method'], ['plugin', 'a plugin'], ['version', 'a version'],
  ['env', 'a variable name'], ['var', 'a variable name'], ['variable', 'a variable name'],
  ['sock', 'a socket'], ['socket', 'a socket'], ['stdin', 'a switch'], ['command', 'a command'], ['cmd', 'a command'],
  ['script', 'a command'], ['mount', 'a mount'], ['volume', 'a mount'],
  ['namespace', 'a namespace'], ['scope', 'a scope'], ['scopes', 'a scope'], ['audience', 'an audience'],
  ['issuer', 'an issuer'], ['user', 'a user name'], ['username', 'a user name'], ['login', 'a user name'],
  ['email', 'a user name'], ['owner', 'a user name'], ['fingerprint', 'a fingerprint'],
  ['fpr', 'a fingerprint'], ['checksum', 'a checksum'], ['sha', 'a checksum'], ['sha256', 'a checksum'],
  ['md5', 'a checksum'], ['sha1', 'a checksum'], ['sha384', 'a checksum'], ['sha512', 'a checksum'], ['crc', 'a checksum'], ['crc32', 'a checksum'], ['level', 'a level'], ['strength', 'a level'], ['complexity', 'a level'],
  ['retries', 'a count'], ['attempts', 'a count'], ['reset', 'a switch'], ['changed', 'a switch'], ['set', 'a switch'],
  ['source', 'a source'], ['src', 'a source'], ['from', 'a source'], ['manager', 'a method'], ['helper', 'a method'],
  ['class', 'a class name'], ['handler', 'a class name'], ['service', 'a service name'], ['region', 'a region'],
  ['zone', 'a region'], ['project', 'a project name'], ['repo', 'a repository'], ['registry', 'a registry'],
  ['bucket', 'a bucket name'], ['table', 'a table name'], ['column', 'a column name'], ['template', 'a template'],
  ['example', 'an example'], ['sample', 'an example'], ['placeholder', 'a placeholder'],
]);

/** Words that make a key public: GPG_KEY (a key id), PUBLIC_KEY, STRIPE_PUBLISHABLE_KEY. */
const PUBLIC_WORDS = new Set(['recv', 'public', 'pub', 'publishable', 'gpg', 'pgp', 'gnupg', 'keyserver', 'keyring', 'keyrings', 'fingerprint', 'fingerprints', 'verify', 'verification', 'trusted', 'trust', 'truststore', 'host']);

/**
 * Names that say where credentials are, not what they are (cloud SDKs read the file they name).
 * A COPY into one of these, or one pointing into copied files, is judged by the Dockerfile rule.
 */
export const CREDENTIAL_FILE_VARIABLES: ReadonlySet<string> = new Set([
  'GOOGLE_APPLICATION_CREDENTIALS', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'HF_TOKEN_PATH', 'KUBECONFIG', 'DOCKER_CONFIG', 'AZURE_AUTH_LOCATION', 'NPM_CONFIG_USERCONFIG', 'CLOUDSDK_CONFIG',
  'GIT_SSH_COMMAND', 'SSH_AUTH_SOCK', 'NETRC',
]);

/**
 * Credential names from Trivy's DS-0031 (checks/docker/leaked_secrets.rego `default_envs`) and
 * a few more that CLIs read: secrets whatever their value looks like (even `AWS_ACCESS_KEY_ID`,
 * whose `_ID` would otherwise make it a key id).
 */
const KNOWN_SECRET_NAMES = new Set([
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'GITHUB_TOKEN',
  'GH_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'OPENAI_API_KEY', 'HF_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN',
  'DOCKERHUB_PASSWORD', 'FIREBASE_TOKEN', 'CI_DEPLOY_PASSWORD', 'GOOGLE_API_KEY', 'LANGSMITH_API_KEY', 'LANGCHAIN_API_KEY',
  'HEROKU_API_KEY', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'VAULT_TOKEN', 'ANTHROPIC_API_KEY', 'SNYK_TOKEN', 'SONAR_TOKEN',
  'CODECOV_TOKEN', 'SENTRY_AUTH_TOKEN', 'CLOUDFLARE_API_TOKEN', 'PULUMI_ACCESS_TOKEN', 'GITLAB_TOKEN',
  'CI_JOB_TOKEN', 'TWINE_PASSWORD', 'CARGO_REGISTRY_TOKEN',
]);

/** Build-tool prefixes that copy a variable into client code (Trivy's `env_prefixes`, plus Next.js). */
const CLIENT_PREFIXES = ['VITE_', 'REACT_APP_', 'NEXT_PUBLIC_', 'NUXT_PUBLIC_', 'EXPO_PUBLIC_'];

/** Names that are shell or system variables, never credentials (PWD is the working directory). */
const SYSTEM_NAMES = new Set(['PWD', 'OLDPWD', 'HISTFILE', 'PASS_MAX_DAYS', 'PASS_MIN_DAYS', 'PASS_WARN_AGE']);

/** Cheap pre-test: a name without any of these cannot be a credential's (no allocation). */
const HINT = /pass|pw|secret|token|key|cred|auth|usr|psw|pword/i;

/** Classifies a name: credential, description of one, or neutral. */
export function classifyName(name: string): NameClass {
  const upper = name.toUpperCase();
  if (CREDENTIAL_FILE_VARIABLES.has(upper)) return { kind: 'descriptive', why: 'names a credentials file' };
  if (!HINT.test(name)) return NEUTRAL;
  let bare = upper;
  for (const p of CLIENT_PREFIXES) if (bare.startsWith(p)) bare = bare.slice(p.length);
  if (KNOWN_SECRET_NAMES.has(bare)) return { kind: 'secret', strength: 'strong', term: 'credential', known: true };
  if (SYSTEM_NAMES.has(upper)) return NEUTRAL;
  const words = nameWords(name);
  if (words.length === 0) return NEUTRAL;
  // Public values: Trivy's DS-0031 `allowed_secret_tokens` ("public"), and public key material.
  const secretTerm = findSecretTerm(words);
  if (!secretTerm) return NEUTRAL;
  if (words.includes('public') || words.includes('publishable')) return { kind: 'descriptive', why: 'names a public value' };
  const last = words[words.length - 1];
  const lastWhy = DESCRIPTIVE_LAST.get(last);
  if (lastWhy !== undefined) return { kind: 'descriptive', why: `names ${lastWhy}` };
  if ((last === 'id' || last === 'ids') && secretTerm.at < words.length - 1) {
    // `GPG_KEY_ID`, `KMS_KEY_ID`: the id of a key is not the key. `SECRET_ID` (Vault AppRole) is a secret.
    if (words[words.length - 2] === 'key' || words[words.length - 2] === 'keys') return { kind: 'descriptive', why: 'names a key id' };
  }
  if (secretTerm.word === 'key' || secretTerm.word === 'keys') {
    const hasPrivate = words.includes('private') || words.includes('secret') || words.includes('priv');
    if (!hasPrivate && words.some((w) => PUBLIC_WORDS.has(w))) return { kind: 'descriptive', why: 'names a public key or key id' };
  }
  return { kind: 'secret', strength: secretTerm.strength, term: secretTerm.term };
}

interface SecretTerm { word: string; term: string; strength: NameStrength; at: number }

/** The last word (or word pair) of a name that names a credential. */
function findSecretTerm(words: readonly string[]): SecretTerm | undefined {
  let found: SecretTerm | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const strong = STRONG_WORDS.get(w);
    if (strong) {
      found = { word: w, term: strong, strength: 'strong', at: i };
      continue;
    }
    if (w === 'key' || w === 'keys') {
      const prev = words[i - 1];
      if (prev === 'api') found = { word: w, term: 'API key', strength: 'strong', at: i };
      else if (prev === 'private' || prev === 'priv') found = { word: w, term: 'private key', strength: 'strong', at: i };
      else if (prev === 'access' || prev === 'secret') found = { word: w, term: `${prev} key`, strength: 'strong', at: i };
      else if (prev !== undefined && KEY_QUALIFIERS.has(prev)) found = { word: w, term: `${prev} key`, strength: 'strong', at: i };
      else found = { word: w, term: 'key', strength: 'weak', at: i };
      continue;
    }
    if (w === 'auth' || w === 'authorization' || w === 'authentication') {
      found ??= { word: w, term: 'authentication value', strength: 'weak', at: i };
      continue;
    }
    for (const [suffix, term] of STRONG_SUFFIXES) {
      if (w.length > suffix.length && w.endsWith(suffix)) {
        found = { word: w, term, strength: 'strong', at: i };
        break;
      }
    }
    // `azurestorageaccountkey`, `sshkey`: a compound ending in a qualifier and `key`.
    if (!found && w.length >= 6 && w.endsWith('key')) {
      const prefix = w.slice(0, -3);
      for (const q of KEY_QUALIFIERS) {
        if (q.length >= 3 && prefix.endsWith(q)) {
          found = { word: w, term: `${q} key`, strength: 'strong', at: i };
          break;
        }
      }
    }
    // `nagiosadmin_pass`-style words end a name in `pass` after a separator; `adminpass` does too.
    if (!found && w.length > 4 && /(admin|root|user|db|master|ssh|ftp|smtp|mail|ldap|redis|mysql|pg)pass$/.test(w)) found = { word: w, term: 'password', strength: 'strong', at: i };
  }
  return found;
}

const NEUTRAL: NameClass = Object.freeze({ kind: 'neutral' }) as NameClass;

/** File names of public material: certificates, public keys, CA bundles. */
const PUBLIC_FILE = /(\.(crt|cer|pub|asc|gpg|csr)$|(^|[._-])(ca|cert|certificate|chain|fullchain|bundle|public|pubkey)[._-]?[^/]*\.(pem|der)$)/i;

/**
 * Why a name says its value is not a secret even where everything is presumed secret (the keys
 * of a Secret manifest): user names, hosts, ports, URLs, file locations, certificates, public
 * keys. Undefined when the name says nothing of the kind.
 */
export function nonSecretKeyReason(name: string): string | undefined {
  if (PUBLIC_FILE.test(name)) return 'names a certificate or public key';
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  if (words.includes('public') || words.includes('publishable')) return 'names a public value';
  const last = words[words.length - 1];
  if (last === 'id' && !words.includes('secret')) return 'names an identifier';
  const why = DESCRIPTIVE_LAST.get(last);
  if (why !== undefined) return `names ${why}`;
  const strong = words.some((w) => STRONG_WORDS.has(w) && w !== 'usr');
  if (!strong && words.some((w) => USER_WORDS.has(w))) return 'names a user name';
  if (!strong && last.length > 4 && /(name|user|host|port|url|endpoint|region)$/.test(last)) return 'names a name or an address';
  if (words.length === 1 && IDENTITY_WORDS.has(last)) return `names ${IDENTITY_WORDS.get(last)}`;
  return undefined;
}

const USER_WORDS = new Set(['user', 'username', 'login', 'email', 'uid', 'principal']);

const IDENTITY_WORDS = new Map([
  ['database', 'a database name'], ['db', 'a database name'], ['schema', 'a database name'], ['account', 'an account name'],
  ['accountname', 'an account name'], ['tenant', 'a tenant'], ['org', 'an organisation'], ['organization', 'an organisation'],
]);
