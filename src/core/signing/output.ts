/**
 * Parsers of what cosign prints. `verify` writes a human header to stderr and one line of JSON
 * to stdout: an array of SimpleSigning payloads, one per verified signature. Keyless signatures
 * carry the certificate's subject and issuer in `optional`; key signatures have `optional: null`
 * (or only the user's annotations). Very old cosign (< 1.0) capitalised the keys.
 */
import { english, frag, Text } from '../l10n/text';

/** One verified signature, as far as cosign reports it. */
export interface SignatureInfo {
  /** The repository the signature was made for (`critical.identity.docker-reference`). */
  dockerReference?: string;
  /** The manifest digest it covers (`critical.image.docker-manifest-digest`). */
  digest?: string;
  /** Who signed, for people: the certificate identity of a keyless signature; absent for a key. */
  identity?: string;
  /** The raw certificate subject claim (`optional.Subject`), as cosign printed it. */
  subject?: string;
  /** The OIDC issuer that vouched for the identity (`optional.Issuer`). */
  issuer?: string;
  /** Annotations signed with `-a key=value`. */
  annotations?: Record<string, string>;
  /** Rekor log index, when the signature was uploaded to the transparency log. */
  tlogIndex?: number;
  /** When Rekor logged it, seconds since the epoch. */
  integratedTime?: number;
}

/** The outcome of `cosign verify` for one reference. */
export interface VerifyResult {
  verified: boolean;
  reference: string;
  /** The digest every verified signature covers (when they agree). */
  digest?: string;
  signatures: SignatureInfo[];
  /** Why verification failed, for people; set when verified is false. */
  reason?: string;
  failure?: VerifyFailureKind;
}

/** Why cosign refused: no signature at all, none that matches, the image is missing, or anything else. */
export type VerifyFailureKind = 'no-signatures' | 'no-match' | 'not-found' | 'error';

// Keys cosign itself puts into `optional`; anything else there is a user annotation.
const RESERVED_OPTIONAL = new Set(['bundle', 'issuer', 'subject', 'rfc3161timestamp', 'timestamp']);
const FULCIO_OID_PREFIX = '1.3.6.1.4.1.57264.';
const FULCIO_ISSUER_OIDS = ['1.3.6.1.4.1.57264.1.8', '1.3.6.1.4.1.57264.1.1'];

function getCi(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const record = obj as Record<string, unknown>;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function normaliseDigest(d: string | undefined): string | undefined {
  if (!d) return undefined;
  return /^[0-9a-f]{64}$/i.test(d) ? `sha256:${d}` : d; // pre-1.0 cosign omitted the algorithm
}

/** Reads one SimpleSigning payload from cosign's verify output. */
export function parseSignaturePayload(payload: unknown): SignatureInfo {
  const critical = getCi(payload, 'critical');
  const optional = getCi(payload, 'optional');
  const info: SignatureInfo = {};
  const dockerReference = str(getCi(getCi(critical, 'identity'), 'docker-reference'));
  if (dockerReference) info.dockerReference = dockerReference;
  const digest = normaliseDigest(str(getCi(getCi(critical, 'image'), 'docker-manifest-digest')));
  if (digest) info.digest = digest;
  if (optional && typeof optional === 'object') {
    const record = optional as Record<string, unknown>;
    const identity = str(getCi(record, 'Subject'));
    if (identity) {
      info.identity = identity;
      info.subject = identity;
    }
    const issuer = str(getCi(record, 'Issuer')) ?? FULCIO_ISSUER_OIDS.map((oid) => str(record[oid])).find(Boolean);
    if (issuer) info.issuer = issuer;
    const payloadOfBundle = getCi(getCi(record, 'Bundle'), 'Payload');
    const logIndex = getCi(payloadOfBundle, 'logIndex');
    if (typeof logIndex === 'number') info.tlogIndex = logIndex;
    const integratedTime = getCi(payloadOfBundle, 'integratedTime');
    if (typeof integratedTime === 'number') info.integratedTime = integratedTime;
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(record)) {
      if (RESERVED_OPTIONAL.has(k.toLowerCase()) || k.startsWith(FULCIO_OID_PREFIX) || k.startsWith('githubWorkflow')) continue;
      if (typeof v === 'string') annotations[k] = v;
    }
    if (Object.keys(annotations).length > 0) info.annotations = annotations;
  }
  return info;
}

/** Finds the JSON array cosign printed, even when the header lines are mixed in (a transcript). */
function findJsonArray(text: string): unknown[] | undefined {
  const trimmed = text.trim();
  const candidates = [trimmed, ...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('['))];
  for (const candidate of candidates) {
    if (!candidate.startsWith('[')) continue;
    try {
      const data = JSON.parse(candidate);
      if (Array.isArray(data)) return data;
    } catch {
      // not this line
    }
  }
  return undefined;
}

/**
 * Parses the stdout of a successful `cosign verify --output json`. An exit code of 0 with no
 * parsable payload is reported as not verified: we never claim a signature we could not read.
 */
export function parseVerifyOutput(reference: string, stdout: string): VerifyResult {
  const payloads = findJsonArray(stdout);
  if (!payloads || payloads.length === 0) {
    return { verified: false, reference, signatures: [], failure: 'error', reason: 'cosign printed no verified signature payload' };
  }
  const signatures = payloads.map(parseSignaturePayload);
  const digests = [...new Set(signatures.map((s) => s.digest).filter((d): d is string => Boolean(d)))];
  const result: VerifyResult = { verified: true, reference, signatures };
  if (digests.length === 1) result.digest = digests[0];
  return result;
}

/** Lines of cosign's stderr that carry its error, without the Go `main.go:NN:` duplicate. */
function errorLines(stderr: string): string[] {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^Error:/i.test(l)).map((l) => l.replace(/^Error:\s*/i, ''));
  if (errors.length > 0) return errors;
  const exec = lines.filter((l) => /error during command execution:/i.test(l)).map((l) => l.replace(/^.*error during command execution:\s*/i, ''));
  return exec.length > 0 ? exec : lines.slice(-1);
}

/**
 * Classifies a failed `cosign verify` from its exit code and stderr (cosign exits 10 when the
 * image has no signature, 11 when the tag does not exist, 12 when no signature matches).
 */
export function parseVerifyFailure(reference: string, exitCode: number | null, stderr: string): VerifyResult {
  const text = stderr.toLowerCase();
  const detail = (errorLines(stderr)[0] ?? '').replace(/:\s*$/, '');
  let failure: VerifyFailureKind;
  let reason: string;
  if (exitCode === 10 || text.includes('no signatures found')) {
    failure = 'no-signatures';
    reason = `${reference} has no signature`;
  } else if (exitCode === 12 || text.includes('no matching signatures')) {
    failure = 'no-match';
    const why = detail.replace(/^no matching signatures:?\s*/i, '');
    reason = `no signature of ${reference} matches the given key or identity${why ? `: ${why}` : ''}`;
  } else if (exitCode === 11 || /manifest_unknown|name_unknown|not found|no such host/.test(text)) {
    failure = 'not-found';
    reason = `${reference} was not found in its registry${detail ? `: ${detail}` : ''}`;
  } else {
    failure = 'error';
    reason = detail ? `cosign failed: ${detail}` : `cosign failed with exit code ${exitCode ?? 'unknown'}`;
  }
  return { verified: false, reference, signatures: [], failure, reason };
}

/** What `cosign sign` reported. */
export interface SignTranscript {
  /** Where the signature was pushed (`Pushing signature to: …`). */
  pushedTo?: string;
  /** Rekor index (`tlog entry created with index: N`), absent with `--tlog-upload=false`. */
  tlogIndex?: number;
}

/** Parses cosign sign's stderr. */
export function parseSignOutput(stderr: string): SignTranscript {
  const out: SignTranscript = {};
  const pushed = /Push(?:ing|ed) signature to:\s*(\S+)/.exec(stderr);
  if (pushed) out.pushedTo = pushed[1];
  const tlog = /tlog entry created with index:\s*(\d+)/.exec(stderr);
  if (tlog) out.tlogIndex = Number(tlog[1]);
  return out;
}

/** What `cosign generate-key-pair` reported. */
export interface KeyPairTranscript {
  privateKey?: string;
  publicKey?: string;
}

/** Parses generate-key-pair's stderr (`Private key written to …` / `Public key written to …`). */
export function parseGenerateKeyPairOutput(stderr: string): KeyPairTranscript {
  const out: KeyPairTranscript = {};
  const priv = /Private key written to\s+(.+?)\s*$/m.exec(stderr);
  if (priv) out.privateKey = priv[1];
  const pub = /Public key written to\s+(.+?)\s*$/m.exec(stderr);
  if (pub) out.publicKey = pub[1];
  return out;
}

/** A short human summary of a verify result: who signed what, or why not. */
export function describeVerifyResult(result: VerifyResult): string {
  return english(describeVerifyResultText(result));
}

/** describeVerifyResult as a template (the reason cosign gives stays in its words). */
export function describeVerifyResultText(result: VerifyResult): Text {
  if (!result.verified) return frag('signing.verify.failed', '✗ {reason}', { reason: result.reason ?? frag('signing.verify.not-verified', '{reference} is not verified', { reference: result.reference }) });
  let out: Text = result.digest
    ? frag('signing.verify.signed-digest', '✓ {reference} is signed ({digest})', { reference: result.reference, digest: result.digest })
    : frag('signing.verify.signed', '✓ {reference} is signed', { reference: result.reference });
  for (const s of result.signatures) {
    const who = s.identity
      ? (s.issuer ? frag('signing.verify.by-issuer', 'by {identity} (issuer {issuer})', { identity: s.identity, issuer: s.issuer }) : frag('signing.verify.by', 'by {identity}', { identity: s.identity }))
      : frag('signing.verify.with-key', 'with the given key');
    let line: Text = s.dockerReference
      ? frag('signing.verify.signature-for', '  - signed {who} for {reference}', { who, reference: s.dockerReference })
      : frag('signing.verify.signature', '  - signed {who}', { who });
    if (s.tlogIndex !== undefined) line = frag('signing.verify.extra', '{line}; {extra}', { line, extra: frag('signing.verify.tlog', 'tlog index {index}', { index: s.tlogIndex }) });
    if (s.annotations) line = frag('signing.verify.extra', '{line}; {extra}', { line, extra: Object.entries(s.annotations).map(([k, v]) => `${k}=${v}`).join(', ') });
    out = frag('signing.verify.lines', '{a}\n{b}', { a: out, b: line });
  }
  return out;
}
