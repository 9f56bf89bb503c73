/**
 * Which files hold credentials: private keys, `.env` files, cloud and registry credential files,
 * kubeconfigs. A file whose name or destination says it is public (a `.pub` key, a key put into
 * a keyring, a certificate) does not.
 */
import { Text, english, frag } from '../l10n/text';

/** The verdict on a file. */
export interface FileJudgement {
  secret: boolean;
  reason: string;
  /** `reason` as a template, for other locales (set for secrets). */
  reasonText?: Text;
  /** What the file is ("a kubeconfig", "a private key file"), without its name: for a message that names the file itself. */
  what?: Text;
  kind: string;
}

function base(path: string): string {
  const p = path.replace(/[\\/]+$/, '');
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** What a credential file is (the ones named by several file names or paths). */
const SSH_KEY = frag('secrets.file.an-ssh-private-key', 'an SSH private key');
const ENV_FILE = frag('secrets.file.an-environment-file', 'an environment file');
const NETRC = frag('secrets.file.netrc-credentials', 'netrc credentials');
const CREDENTIALS = frag('secrets.file.a-credentials-file', 'a credentials file');
const KUBECONFIG = frag('secrets.file.a-kubeconfig', 'a kubeconfig');
const PASSWORD_FILE = frag('secrets.file.a-password-file', 'a password file');
const DOCKER_CREDENTIALS = frag('secrets.file.docker-registry-credentials', 'Docker registry credentials');
const AWS = frag('secrets.file.aws-credentials', 'AWS credentials');

/** File names (exact, case-insensitive) of credential files. */
const CREDENTIAL_FILES = new Map<string, Text>([
  ['id_rsa', SSH_KEY], ['id_dsa', SSH_KEY], ['id_ecdsa', SSH_KEY],
  ['id_ed25519', SSH_KEY], ['id_ecdsa_sk', SSH_KEY], ['id_ed25519_sk', SSH_KEY],
  ['.env', ENV_FILE], ['.npmrc', frag('secrets.file.npm-credentials', 'npm credentials')], ['.pypirc', frag('secrets.file.pypi-credentials', 'PyPI credentials')],
  ['.netrc', NETRC], ['_netrc', NETRC], ['.git-credentials', frag('secrets.file.git-credentials', 'Git credentials')],
  ['.dockercfg', DOCKER_CREDENTIALS], ['credentials', CREDENTIALS],
  ['credentials.json', CREDENTIALS], ['kubeconfig', KUBECONFIG], ['.kubeconfig', KUBECONFIG],
  ['.ssh', frag('secrets.file.an-ssh-directory', 'an SSH directory')], ['.gnupg', frag('secrets.file.a-gnupg-home-with-private-keys', 'a GnuPG home with private keys')], ['.aws', AWS],
  ['htpasswd', PASSWORD_FILE], ['.htpasswd', PASSWORD_FILE], ['.pgpass', frag('secrets.file.postgresql-passwords', 'PostgreSQL passwords')],
  ['.my.cnf', frag('secrets.file.mysql-credentials', 'MySQL credentials')], ['.vault-token', frag('secrets.file.a-vault-token', 'a Vault token')], ['.boto', frag('secrets.file.cloud-credentials', 'cloud credentials')],
]);

/** Paths (suffixes) of credential files. */
const CREDENTIAL_PATHS: ReadonlyArray<[RegExp, Text]> = [
  [/(^|\/)\.docker\/config\.json$/i, DOCKER_CREDENTIALS],
  [/(^|\/)\.kube\/config$/i, KUBECONFIG],
  [/(^|\/)\.aws\/(credentials|config)$/i, AWS],
  [/(^|\/)\.ssh\/id_[a-z0-9_]+$/i, SSH_KEY],
  [/(^|\/)gcloud\/(application_default_credentials|credentials\.db|legacy_credentials)/i, frag('secrets.file.google-cloud-credentials', 'Google Cloud credentials')],
  [/(^|\/)\.config\/gh\/hosts\.yml$/i, frag('secrets.file.github-cli-credentials', 'GitHub CLI credentials')],
];

/** `.env` variants that are templates, committed on purpose. */
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist|defaults?|tpl|schema)$|^\.env[._-]?example$/i;

/** Keystores hold private keys; trust stores and CA bundles hold certificates. */
const KEYSTORE = /\.(p12|pfx|jks|keystore|bcfks)$/i;
const TRUST = /trust|cacerts|(^|[._-])ca([._-]|$)/i;

/** Where public keys go: keyrings, trusted.gpg.d, the RPM GPG directory. */
const KEYRING_DIR = /(keyrings?|trusted\.gpg\.d|rpm-gpg|apt\/keys|\.gnupg\/pubring)(\/|$)/i;
const PUBLIC_NAME = /(\.pub|\.asc|\.gpg|\.crt|\.cer|\.csr)$|(^|[._-])(pub|public|pubkey|gpg|pgp|release|archive|repo|signing-key|keyring)([._-]|$)/i;
const PRIVATE_PEM_NAME = /(^|[._-])(key|private|priv|privkey|privatekey)([._-]|$)|-key\.pem$|_key\.pem$/i;

/**
 * Whether copying `source` into the image (to `destination`, when known) puts a credential file
 * there. Wildcards and directories are judged by their last component.
 */
export function judgeSecretFile(source: string, destination?: string): FileJudgement {
  const src = source.replace(/^["']|["']$/g, '').replace(/\\/g, '/');
  const name = base(src);
  const dest = destination?.replace(/^["']|["']$/g, '').replace(/\\/g, '/');
  const destIsDir = !dest || dest.endsWith('/') || dest === '.';
  const destName = dest && !destIsDir ? base(dest) : '';
  const lower = name.toLowerCase();
  const publicByDest = !!dest && (PUBLIC_NAME.test(destName) || KEYRING_DIR.test(dest));
  if (CREDENTIAL_FILES.has(lower)) {
    if (lower.startsWith('id_') && publicByDest) return notSecret('the destination says it is a public key');
    return secret(frag('secrets.file.is', '"{name}" is {what}', { name, what: CREDENTIAL_FILES.get(lower)! }), 'credential-file', CREDENTIAL_FILES.get(lower)!);
  }
  if (lower.startsWith('.env.') && !ENV_TEMPLATE.test(lower)) return secret(frag('secrets.file.is', '"{name}" is {what}', { name, what: ENV_FILE }), 'credential-file', ENV_FILE);
  for (const [re, what] of CREDENTIAL_PATHS) if (re.test(src)) return secret(frag('secrets.file.is', '"{name}" is {what}', { name: src, what }), 'credential-file', what);
  if (/\.key$/i.test(lower)) {
    if (PUBLIC_NAME.test(lower.replace(/\.key$/i, ''))) return notSecret('the file name says it is a public key');
    if (publicByDest) return notSecret(`it is copied as a public key (${destName || dest})`);
    return secret(frag('secrets.file.private-key-file', '"{name}" is a private key file', { name }), 'private-key-file', frag('secrets.file.what.private-key-file', 'a private key file'));
  }
  if (/\.pem$/i.test(lower)) {
    if (PRIVATE_PEM_NAME.test(lower) && !PUBLIC_NAME.test(lower.replace(/\.pem$/i, '')) && !publicByDest) return secret(frag('secrets.file.named-private-key', '"{name}" is named as a private key', { name }), 'private-key-file', frag('secrets.file.what.named-private-key', 'a file named as a private key'));
    return notSecret('a .pem file not named as a private key (a certificate)');
  }
  if (KEYSTORE.test(lower)) {
    if (TRUST.test(lower)) return notSecret('a trust store holds certificates');
    return secret(frag('secrets.file.keystore', '"{name}" is a keystore (private keys)', { name }), 'keystore', frag('secrets.file.what.keystore', 'a keystore (private keys)'));
  }
  // The destination may say what the file is: `COPY deploy_key /root/.ssh/id_rsa`.
  if (dest && !destIsDir) {
    const destLower = destName.toLowerCase();
    if (CREDENTIAL_FILES.has(destLower) && destLower !== '.env') return secret(frag('secrets.file.copied-to', 'it is copied to {dest}, {what}', { dest, what: CREDENTIAL_FILES.get(destLower)! }), 'credential-file', CREDENTIAL_FILES.get(destLower)!);
    for (const [re, what] of CREDENTIAL_PATHS) if (re.test(dest)) return secret(frag('secrets.file.copied-to', 'it is copied to {dest}, {what}', { dest, what }), 'credential-file', what);
  }
  return notSecret('not a known credential file');
}

function secret(reason: Text, kind: string, what: Text): FileJudgement {
  return { secret: true, reason: english(reason), reasonText: reason, what, kind };
}

function notSecret(reason: string): FileJudgement {
  return { secret: false, reason, kind: 'not-secret' };
}
