/**
 * Admission policies that let only signed images run: a Kyverno `ClusterPolicy` with a
 * `verifyImages` rule, or a Sigstore policy-controller `ClusterImagePolicy`. Pure text generation;
 * the caller opens or writes the YAML.
 */
import type { Scalar } from 'yaml';

/** The YAML library, loaded when a policy is generated rather than when the extension starts. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlLib = (): typeof import('yaml') => require('yaml');
import { SigningInputError } from './args';
import { english, frag, Text } from '../l10n/text';

/** The authority an admission controller checks signatures against. */
export type PolicyAuthority =
  | { kind: 'key'; publicKeyPem: string }
  | { kind: 'keyless'; subject?: string; subjectRegExp?: string; issuer?: string; issuerRegExp?: string };

export interface PolicyOptions {
  /** Image patterns with `*` / `?` wildcards (Kyverno), or `**` globs (policy-controller). */
  images: string[];
  authority: PolicyAuthority;
  /** metadata.name; derived from the first pattern when absent. */
  name?: string;
  /** Signatures made with `--tlog-upload=false` are not in Rekor: skip the transparency log check. */
  ignoreTlog?: boolean;
}

export interface KyvernoPolicyOptions extends PolicyOptions {
  /** Enforce blocks unsigned images; Audit only reports them. Default Enforce. */
  failureAction?: 'Enforce' | 'Audit';
  /**
   * Where the failure action goes. Kyverno 1.13 moved it from `spec.validationFailureAction`
   * (deprecated) into each `verifyImages` entry as `failureAction`; `both` works on either side
   * of that change. Default `both`.
   */
  failureActionField?: 'spec' | 'rule' | 'both';
}

const PUBLIC_REKOR = 'https://rekor.sigstore.dev';
const PUBLIC_FULCIO = 'https://fulcio.sigstore.dev';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why an image pattern is refused, or undefined when it may go into a policy. */
export function validateImagePattern(pattern: string): string | undefined {
  const why = imagePatternProblem(pattern);
  return why && english(why);
}

function imagePatternProblem(pattern: string): Text | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) return frag('signing.pattern.empty', 'the image pattern is empty');
  if (pattern.startsWith('-')) return frag('signing.pattern.dash', 'an image pattern cannot start with "-"');
  if (/\s/.test(pattern) || CONTROL.test(pattern)) return frag('signing.pattern.whitespace', 'an image pattern cannot contain whitespace or control characters');
  if (pattern.length > 512) return frag('signing.pattern.long', 'the image pattern is too long');
  if (!/^[A-Za-z0-9*?][A-Za-z0-9._\-/:@*?]*$/.test(pattern)) {
    return frag('signing.pattern.invalid', '"{pattern}" is not an image pattern (registry/repository with * or ? wildcards)', { pattern });
  }
  return undefined;
}

/** Extracts exactly one PEM public key block, normalised to `\n` line ends. */
export function extractPublicKeyPem(text: string): string {
  const m = /-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END PUBLIC KEY-----/.exec(text);
  if (!m) throw new SigningInputError(frag('signing.policy.no-public-key', 'no PEM public key (-----BEGIN PUBLIC KEY-----) found; use the .pub file that cosign generate-key-pair wrote'));
  if (/ENCRYPTED|PRIVATE KEY/.test(text)) throw new SigningInputError(frag('signing.policy.private-key', 'this is a private key: an admission policy needs the public key (cosign.pub)'));
  const body = m[1].split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return ['-----BEGIN PUBLIC KEY-----', ...body, '-----END PUBLIC KEY-----'].join('\n');
}

function assertText(label: Text, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length === 0 || CONTROL.test(value)) throw new SigningInputError(frag('signing.policy.single-line', 'the {label} must be a non-empty single line', { label }));
}

function validateOptions(opts: PolicyOptions): void {
  if (!opts.images || opts.images.length === 0) throw new SigningInputError(frag('signing.policy.no-pattern', 'at least one image pattern is needed'));
  for (const p of opts.images) {
    const why = imagePatternProblem(p);
    if (why) throw new SigningInputError(why);
  }
  if (opts.name !== undefined && !isDnsSubdomain(opts.name)) {
    throw new SigningInputError(frag('signing.policy.name', '"{name}" is not a valid Kubernetes name (lower-case letters, digits, "-", ".")', { name: opts.name }));
  }
  const a = opts.authority;
  if (a.kind === 'keyless') {
    assertText(frag('signing.label.subject', 'subject'), a.subject);
    assertText(frag('signing.label.subject-regexp', 'subject regexp'), a.subjectRegExp);
    assertText(frag('signing.label.policy-issuer', 'issuer'), a.issuer);
    assertText(frag('signing.label.policy-issuer-regexp', 'issuer regexp'), a.issuerRegExp);
    if ((a.subject === undefined) === (a.subjectRegExp === undefined)) throw new SigningInputError(frag('signing.policy.one-subject', 'keyless policies need exactly one of a subject or a subject regexp'));
    if ((a.issuer === undefined) === (a.issuerRegExp === undefined)) throw new SigningInputError(frag('signing.policy.one-issuer', 'keyless policies need exactly one of an issuer or an issuer regexp'));
  }
}

function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** A Kubernetes name from an image pattern: `ghcr.io/acme/*` → `verify-ghcr-io-acme`. */
export function policyNameFor(pattern: string): string {
  const slug = pattern.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
  return slug ? `verify-${slug}` : 'verify-image-signatures';
}

/** Serialises with multi-line PEM keys as literal blocks (`|`), readable and diff-friendly. */
function toYaml(value: unknown, header: string): string {
  const { Document } = yamlLib();
  const doc = new Document(value);
  doc.commentBefore = header;
  // yaml picks block literals for multi-line strings with this option.
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}

function literal(pem: string): Scalar {
  const { Scalar: ScalarNode } = yamlLib();
  const s = new ScalarNode(pem);
  s.type = ScalarNode.BLOCK_LITERAL;
  return s;
}

/** A Kyverno `ClusterPolicy` (kyverno.io/v1) whose verifyImages rule admits only signed images. */
export function kyvernoPolicy(opts: KyvernoPolicyOptions): string {
  validateOptions(opts);
  const action = opts.failureAction ?? 'Enforce';
  const field = opts.failureActionField ?? 'both';
  const a = opts.authority;
  let entry: Record<string, unknown>;
  if (a.kind === 'key') {
    const keys: Record<string, unknown> = { publicKeys: literal(extractPublicKeyPem(a.publicKeyPem)) };
    if (opts.ignoreTlog) {
      keys.rekor = { ignoreTlog: true, url: PUBLIC_REKOR };
    }
    entry = { keys };
  } else {
    const keyless: Record<string, unknown> = {};
    if (a.subject !== undefined) keyless.subject = a.subject;
    if (a.subjectRegExp !== undefined) keyless.subjectRegExp = a.subjectRegExp;
    if (a.issuer !== undefined) keyless.issuer = a.issuer;
    if (a.issuerRegExp !== undefined) keyless.issuerRegExp = a.issuerRegExp;
    keyless.rekor = { url: PUBLIC_REKOR };
    entry = { keyless };
  }
  const verify: Record<string, unknown> = {};
  if (field !== 'spec') verify.failureAction = action;
  Object.assign(verify, {
    imageReferences: [...opts.images],
    mutateDigest: true,
    verifyDigest: true,
    required: true,
    attestors: [{ count: 1, entries: [entry] }],
  });
  const spec: Record<string, unknown> = {};
  if (field !== 'rule') spec.validationFailureAction = action;
  Object.assign(spec, {
    background: false,
    webhookTimeoutSeconds: 30,
    rules: [
      {
        name: 'verify-image-signature',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        verifyImages: [verify],
      },
    ],
  });
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: opts.name ?? policyNameFor(opts.images[0]),
      annotations: {
        'policies.kyverno.io/title': 'Verify image signatures',
        'policies.kyverno.io/category': 'Software Supply Chain Security',
        'policies.kyverno.io/description': `Only images signed with cosign${a.kind === 'key' ? ' by the given key' : ' by the given identity'} may run.`,
      },
    },
    spec,
  };
  return toYaml(policy, ' Generated by Shipshape: admit only images signed with cosign (Kyverno).');
}

export interface PolicyControllerOptions extends PolicyOptions {
  /** `warn` admits unsigned images with a warning instead of rejecting them. Default enforce. */
  mode?: 'enforce' | 'warn';
}

/** A Sigstore policy-controller `ClusterImagePolicy` (policy.sigstore.dev/v1beta1). */
export function policyControllerPolicy(opts: PolicyControllerOptions): string {
  validateOptions(opts);
  const a = opts.authority;
  let authority: Record<string, unknown>;
  if (a.kind === 'key') {
    authority = { name: 'cosign-key', key: { hashAlgorithm: 'sha256', data: literal(extractPublicKeyPem(a.publicKeyPem)) } };
    if (!opts.ignoreTlog) authority.ctlog = { url: PUBLIC_REKOR };
  } else {
    const identity: Record<string, string> = {};
    if (a.issuer !== undefined) identity.issuer = a.issuer;
    if (a.issuerRegExp !== undefined) identity.issuerRegExp = a.issuerRegExp;
    if (a.subject !== undefined) identity.subject = a.subject;
    if (a.subjectRegExp !== undefined) identity.subjectRegExp = a.subjectRegExp;
    authority = { name: 'cosign-keyless', keyless: { url: PUBLIC_FULCIO, identities: [identity] }, ctlog: { url: PUBLIC_REKOR } };
  }
  const policy = {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: opts.name ?? policyNameFor(opts.images[0]) },
    spec: {
      ...(opts.mode === 'warn' ? { mode: 'warn' } : {}),
      images: opts.images.map((glob) => ({ glob })),
      authorities: [authority],
    },
  };
  return toYaml(
    policy,
    ' Generated by Shipshape: admit only images signed with cosign (Sigstore policy-controller).\n' +
      ' Enforced in namespaces labelled policy.sigstore.dev/include=true.',
  );
}
