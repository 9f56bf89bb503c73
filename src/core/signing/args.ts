/**
 * Argument arrays for cosign. Nothing here runs anything: each builder validates its inputs and
 * returns the argv (without the executable) that `src/node/cosign.ts` hands to the spawner.
 * Every value that reaches argv is checked first, so a reference or path can never be read by
 * cosign as an option (`--key=/etc/passwd`) and never carries whitespace or control characters.
 */
import { parseImageRef, validateImageRefText } from '../imageRef';
import { english, frag, LocalizedError, Text } from '../l10n/text';

/** An input refused before it reaches cosign's command line; the message is for people. */
export class SigningInputError extends LocalizedError {
  override name = 'SigningInputError';
}

/**
 * Whether a file's text is a PEM private key: cosign's own (`ENCRYPTED SIGSTORE PRIVATE KEY`, the
 * older `ENCRYPTED COSIGN PRIVATE KEY`) or a PKCS#8/EC/RSA key it can import. Checked before the
 * editor asks for the key's password, so a public key or any other file is refused first.
 */
export function isPrivateKeyText(text: string): boolean {
  return /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text);
}

/** KMS URI schemes cosign accepts for `--key` / `--kms` (and Kubernetes secrets). */
export const KMS_SCHEMES = ['awskms://', 'gcpkms://', 'azurekms://', 'hashivault://', 'k8s://'] as const;

/** Where the signing key lives: a key file, a KMS key, or none (keyless OIDC signing). */
export type SigningKey =
  | { kind: 'file'; path: string }
  | { kind: 'kms'; uri: string }
  | { kind: 'keyless' };

/** The verifier: a public key (file or KMS) or a keyless certificate identity. */
export type VerificationKey =
  | { kind: 'file'; path: string }
  | { kind: 'kms'; uri: string }
  | { kind: 'keyless'; identity: CertificateIdentity };

/** Who must have signed, for keyless verification; exact values or Go regular expressions. */
export interface CertificateIdentity {
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
}

export interface SignOptions {
  reference: string;
  key: SigningKey;
  /** Signed annotations, each passed as `-a key=value`. */
  annotations?: Record<string, string>;
  /** false adds `--tlog-upload=false` (private infrastructure without Rekor). Default true. */
  tlogUpload?: boolean;
  /** Skip cosign's confirmation prompt; we run without a terminal. Default true. */
  yes?: boolean;
  /** Signing a tag can sign a different image than the one tested: refused unless true. */
  allowTag?: boolean;
}

export interface VerifyOptions {
  reference: string;
  key: VerificationKey;
  /** Adds `--insecure-ignore-tlog=true` for signatures made with `--tlog-upload=false`. */
  insecureIgnoreTlog?: boolean;
}

export interface GenerateKeyPairOptions {
  /** Generate the key inside a KMS (`--kms URI`); only the public key is written locally. */
  kms?: string;
  /** `--output-key-prefix`: writes PREFIX.key / PREFIX.pub instead of cosign.key / cosign.pub. */
  outputKeyPrefix?: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function assertImageRef(reference: string): void {
  const why = validateImageRefText(reference);
  if (why) throw new SigningInputError(why);
}

/** Why a KMS URI is refused, or undefined when cosign may receive it. */
export function validateKmsUri(uri: string): string | undefined {
  const why = kmsUriProblem(uri);
  return why && english(why);
}

function kmsUriProblem(uri: string): Text | undefined {
  if (typeof uri !== 'string' || uri.length === 0) return frag('signing.kms.empty', 'the KMS URI is empty');
  if (CONTROL.test(uri) || /\s/.test(uri)) return frag('signing.kms.whitespace', 'a KMS URI cannot contain whitespace or control characters');
  const scheme = KMS_SCHEMES.find((s) => uri.toLowerCase().startsWith(s));
  if (!scheme) return frag('signing.kms.not-kms', '"{uri}" is not a KMS URI; expected one of {schemes}', { uri, schemes: KMS_SCHEMES.join(', ') });
  if (uri.length === scheme.length) return frag('signing.kms.no-key', 'the KMS URI "{uri}" names no key', { uri });
  return undefined;
}

/** Why a key file path is refused, or undefined when cosign may receive it. */
export function validateKeyPath(path: string): string | undefined {
  const why = keyPathProblem(path);
  return why && english(why);
}

function keyPathProblem(path: string): Text | undefined {
  if (typeof path !== 'string' || path.length === 0) return frag('signing.key.empty', 'the key path is empty');
  if (path.startsWith('-')) return frag('signing.key.dash', 'a key path cannot start with "-"');
  if (CONTROL.test(path)) return frag('signing.key.control', 'a key path cannot contain control characters');
  // A path with a scheme would be read by cosign as a KMS or URL key: only KMS schemes are allowed.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return kmsUriProblem(path);
  return undefined;
}

/** Annotation keys: a label-like name; values: any printable text. */
const ANNOTATION_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?$/;

/** Why an annotation is refused, or undefined when it may be signed. */
export function validateAnnotation(key: string, value: string): string | undefined {
  const why = annotationProblem(key, value);
  return why && english(why);
}

function annotationProblem(key: string, value: string): Text | undefined {
  if (!ANNOTATION_KEY.test(key)) return frag('signing.annotation.key', '"{key}" is not a valid annotation key (letters, digits, ".", "_", "-", "/")', { key });
  if (typeof value !== 'string' || CONTROL.test(value)) return frag('signing.annotation.control', 'the value of annotation "{key}" contains control characters', { key });
  return undefined;
}

/** Parses `key=value` (as typed on a command line) into a pair, or throws a SigningInputError. */
export function parseAnnotation(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SigningInputError(frag('signing.annotation.form', 'annotation "{text}" must look like key=value', { text }));
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  const why = annotationProblem(key, value);
  if (why) throw new SigningInputError(why);
  return [key, value];
}

function assertIdentityValue(label: Text, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length === 0) throw new SigningInputError(frag('signing.identity.empty', 'the {label} is empty', { label }));
  if (value.startsWith('-')) throw new SigningInputError(frag('signing.identity.dash', 'the {label} cannot start with "-"', { label }));
  if (CONTROL.test(value)) throw new SigningInputError(frag('signing.identity.control', 'the {label} cannot contain control characters', { label }));
}

/** Throws unless exactly one identity and one issuer form are given and each is sane. */
export function validateCertificateIdentity(id: CertificateIdentity): void {
  assertIdentityValue(frag('signing.label.identity', 'certificate identity'), id.identity);
  assertIdentityValue(frag('signing.label.identity-regexp', 'certificate identity regexp'), id.identityRegexp);
  assertIdentityValue(frag('signing.label.issuer', 'OIDC issuer'), id.issuer);
  assertIdentityValue(frag('signing.label.issuer-regexp', 'OIDC issuer regexp'), id.issuerRegexp);
  const identities = [id.identity, id.identityRegexp].filter((v) => v !== undefined).length;
  const issuers = [id.issuer, id.issuerRegexp].filter((v) => v !== undefined).length;
  if (identities !== 1) throw new SigningInputError(frag('signing.identity.one', 'keyless verification needs exactly one of a certificate identity or an identity regexp'));
  if (issuers !== 1) throw new SigningInputError(frag('signing.issuer.one', 'keyless verification needs exactly one of an OIDC issuer or an issuer regexp'));
}

/** True when the reference names its image by digest (`repo@sha256:…`), so a signature covers exactly that image. */
export function isDigestPinned(reference: string): boolean {
  return Boolean(parseImageRef(reference)?.digest);
}

function keyArgs(key: { kind: 'file'; path: string } | { kind: 'kms'; uri: string }): string[] {
  if (key.kind === 'kms') {
    const why = kmsUriProblem(key.uri);
    if (why) throw new SigningInputError(why);
    return ['--key', key.uri];
  }
  const why = keyPathProblem(key.path);
  if (why) throw new SigningInputError(why);
  return ['--key', key.path];
}

/** `cosign sign` argv. The password never appears here: it travels as COSIGN_PASSWORD. */
export function signArgs(opts: SignOptions): string[] {
  assertImageRef(opts.reference);
  if (!opts.allowTag && !isDigestPinned(opts.reference)) {
    throw new SigningInputError(frag('signing.tag-not-digest', '"{reference}" is a tag, not a digest: the tag may point to a different image by the time it is signed; resolve it to repo@sha256:… first', { reference: opts.reference }));
  }
  const args = ['sign'];
  if (opts.key.kind !== 'keyless') args.push(...keyArgs(opts.key));
  for (const [k, v] of Object.entries(opts.annotations ?? {})) {
    const why = annotationProblem(k, v);
    if (why) throw new SigningInputError(why);
    args.push('-a', `${k}=${v}`);
  }
  if (opts.tlogUpload === false) args.push('--tlog-upload=false');
  if (opts.yes !== false || opts.key.kind === 'keyless') args.push('--yes');
  args.push(opts.reference);
  return args;
}

/** `cosign verify` argv; cosign prints the verified payloads as one JSON line on stdout. */
export function verifyArgs(opts: VerifyOptions): string[] {
  assertImageRef(opts.reference);
  const args = ['verify'];
  if (opts.key.kind === 'keyless') {
    const id = opts.key.identity;
    validateCertificateIdentity(id);
    if (id.identity !== undefined) args.push('--certificate-identity', id.identity);
    if (id.identityRegexp !== undefined) args.push('--certificate-identity-regexp', id.identityRegexp);
    if (id.issuer !== undefined) args.push('--certificate-oidc-issuer', id.issuer);
    if (id.issuerRegexp !== undefined) args.push('--certificate-oidc-issuer-regexp', id.issuerRegexp);
  } else {
    args.push(...keyArgs(opts.key));
  }
  if (opts.insecureIgnoreTlog) args.push('--insecure-ignore-tlog=true');
  args.push('--output', 'json', opts.reference);
  return args;
}

/** `cosign generate-key-pair` argv; it writes into the working directory it is run in. */
export function generateKeyPairArgs(opts: GenerateKeyPairOptions = {}): string[] {
  const args = ['generate-key-pair'];
  if (opts.kms !== undefined) {
    const why = kmsUriProblem(opts.kms);
    if (why) throw new SigningInputError(why);
    args.push('--kms', opts.kms);
  }
  if (opts.outputKeyPrefix !== undefined) {
    const p = opts.outputKeyPrefix;
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(p)) {
      throw new SigningInputError(frag('signing.key-prefix', '"{prefix}" is not a valid key file prefix (letters, digits, ".", "_", "-"; no path)', { prefix: p }));
    }
    args.push('--output-key-prefix', p);
  }
  return args;
}

/** File names `generate-key-pair` writes for the given options (private key absent with KMS). */
export function keyPairFileNames(opts: GenerateKeyPairOptions = {}): { privateKey?: string; publicKey: string } {
  const prefix = opts.outputKeyPrefix ?? 'cosign';
  return opts.kms !== undefined ? { publicKey: `${prefix}.pub` } : { privateKey: `${prefix}.key`, publicKey: `${prefix}.pub` };
}
