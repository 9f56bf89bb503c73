/**
 * Which files hold credentials: private keys, `.env` files, cloud and registry credential files,
 * kubeconfigs. A file whose name or destination says it is public (a `.pub` key, a key put into
 * a keyring, a certificate) does not.
 */

/** The verdict on a file. */
export interface FileJudgement { secret: boolean; reason: string; kind: string }

function base(path: string): string {
  const p = path.replace(/[\\/]+$/, '');
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** File names (exact, case-insensitive) of credential files. */
const CREDENTIAL_FILES = new Map<string, string>([
  ['id_rsa', 'an SSH private key'], ['id_dsa', 'an SSH private key'], ['id_ecdsa', 'an SSH private key'],
  ['id_ed25519', 'an SSH private key'], ['id_ecdsa_sk', 'an SSH private key'], ['id_ed25519_sk', 'an SSH private key'],
  ['.env', 'an environment file'], ['.npmrc', 'npm credentials'], ['.pypirc', 'PyPI credentials'],
  ['.netrc', 'netrc credentials'], ['_netrc', 'netrc credentials'], ['.git-credentials', 'Git credentials'],
  ['.dockercfg', 'Docker registry credentials'], ['credentials', 'a credentials file'],
  ['credentials.json', 'a credentials file'], ['kubeconfig', 'a kubeconfig'], ['.kubeconfig', 'a kubeconfig'],
  ['.ssh', 'an SSH directory'], ['.gnupg', 'a GnuPG home with private keys'], ['.aws', 'AWS credentials'],
  ['htpasswd', 'a password file'], ['.htpasswd', 'a password file'], ['.pgpass', 'PostgreSQL passwords'],
  ['.my.cnf', 'MySQL credentials'], ['.vault-token', 'a Vault token'], ['.boto', 'cloud credentials'],
]);

/** Paths (suffixes) of credential files. */
const CREDENTIAL_PATHS: ReadonlyArray<[RegExp, string]> = [
  [/(^|\/)\.docker\/config\.json$/i, 'Docker registry credentials'],
  [/(^|\/)\.kube\/config$/i, 'a kubeconfig'],
  [/(^|\/)\.aws\/(credentials|config)$/i, 'AWS credentials'],
  [/(^|\/)\.ssh\/id_[a-z0-9_]+$/i, 'an SSH private key'],
  [/(^|\/)gcloud\/(application_default_credentials|credentials\.db|legacy_credentials)/i, 'Google Cloud credentials'],
  [/(^|\/)\.config\/gh\/hosts\.yml$/i, 'GitHub CLI credentials'],
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
    return secret(`"${name}" is ${CREDENTIAL_FILES.get(lower)}`, 'credential-file');
  }
  if (lower.startsWith('.env.') && !ENV_TEMPLATE.test(lower)) return secret(`"${name}" is an environment file`, 'credential-file');
  for (const [re, what] of CREDENTIAL_PATHS) if (re.test(src)) return secret(`"${src}" is ${what}`, 'credential-file');
  if (/\.key$/i.test(lower)) {
    if (PUBLIC_NAME.test(lower.replace(/\.key$/i, ''))) return notSecret('the file name says it is a public key');
    if (publicByDest) return notSecret(`it is copied as a public key (${destName || dest})`);
    return secret(`"${name}" is a private key file`, 'private-key-file');
  }
  if (/\.pem$/i.test(lower)) {
    if (PRIVATE_PEM_NAME.test(lower) && !PUBLIC_NAME.test(lower.replace(/\.pem$/i, '')) && !publicByDest) return secret(`"${name}" is named as a private key`, 'private-key-file');
    return notSecret('a .pem file not named as a private key (a certificate)');
  }
  if (KEYSTORE.test(lower)) {
    if (TRUST.test(lower)) return notSecret('a trust store holds certificates');
    return secret(`"${name}" is a keystore (private keys)`, 'keystore');
  }
  // The destination may say what the file is: `COPY deploy_key /root/.ssh/id_rsa`.
  if (dest && !destIsDir) {
    const destLower = destName.toLowerCase();
    if (CREDENTIAL_FILES.has(destLower) && destLower !== '.env') return secret(`it is copied to ${dest}, ${CREDENTIAL_FILES.get(destLower)}`, 'credential-file');
    for (const [re, what] of CREDENTIAL_PATHS) if (re.test(dest)) return secret(`it is copied to ${dest}, ${what}`, 'credential-file');
  }
  return notSecret('not a known credential file');
}

function secret(reason: string, kind: string): FileJudgement {
  return { secret: true, reason, kind };
}

function notSecret(reason: string): FileJudgement {
  return { secret: false, reason, kind: 'not-secret' };
}
