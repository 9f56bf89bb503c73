/**
 * Secret values committed in Secret and ConfigMap manifests, judged by the shared detector
 * (core/secrets): each finding is one value, says why it was judged a secret, and never shows it.
 */
import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';
import { Range } from '../../model';
import { SecretJudgement, findCredentialFormat, formatReason, judgeSecret, maskSecretText } from '../../secrets';
import { EmbeddedEntry, embeddedEntries } from '../../secrets/embedded';
import { KeyPair, KubeModel, KubeObject, getPair, keyRange, pairRange } from '../model';
import { KubeRule } from './common';
import { Arg, frag } from '../../l10n/text';

/** Keys whose value is a config file, by extension. */
const CONFIG_FILE = /\.(ya?ml|json|properties|ini|env|conf|cfg|toml|cnf|xml|rc)$|(^|[./])env$/i;

/** The string value of a pair's scalar, or undefined (absent, null, a collection). */
function scalarText(pair: KeyPair): string | undefined {
  const v = pair.value;
  if (!isScalar(v) || v.value === null || v.value === undefined) return undefined;
  return String(v.value);
}

function keyOf(pair: KeyPair): string {
  return isScalar(pair.key) ? String(pair.key.value) : '';
}

/** Whether a value should be read as an embedded config file rather than as one value (JSON included: `.dockerconfigjson`). */
/** One assignment on one line: an identifier, `=` or `:`, and a value without spaces. */
const ONE_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]\s*[^\s=:][^\s]*$/;

function isEmbeddedFile(key: string, value: string): boolean {
  return CONFIG_FILE.test(key) || value.includes('\n') || /^\s*[{[]/.test(value);
}

/**
 * A function mapping offsets of a scalar's value to offsets of the document, when the value is
 * written so that its characters stand in the source one for one: a literal block (`|`), or a
 * one-line plain or quoted scalar without escapes. Undefined otherwise (folded blocks, escapes).
 */
export function valueOffsetMapper(model: KubeModel, node: Scalar): ((offset: number) => number) | undefined {
  const r = node.range;
  if (!r || typeof node.value !== 'string') return undefined;
  const value = node.value;
  const text = model.text;
  if (node.type === Scalar.BLOCK_LITERAL) {
    const headerEnd = text.indexOf('\n', r[0]);
    if (headerEnd < 0 || headerEnd >= r[1]) return undefined;
    // Source line starts of the block's content lines, and the block's indentation.
    const starts: number[] = [];
    let indent = -1;
    for (let at = headerEnd + 1; at < r[1] && at <= text.length;) {
      starts.push(at);
      let nl = text.indexOf('\n', at);
      if (nl < 0) nl = text.length;
      if (indent < 0) {
        let k = at;
        while (k < nl && text.charCodeAt(k) === 32) k++;
        if (k < nl && text[k] !== '\r') indent = k - at;
      }
      at = nl + 1;
    }
    if (indent < 0) return undefined;
    const contentStarts = [0];
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 10) contentStarts.push(i + 1);
    return (offset) => {
      let line = 0;
      while (line + 1 < contentStarts.length && contentStarts[line + 1] <= offset) line++;
      const source = starts[Math.min(line, starts.length - 1)] ?? r[0];
      return source + indent + (offset - contentStarts[line]);
    };
  }
  if (value.includes('\n')) return undefined;
  if (node.type === Scalar.PLAIN && text.slice(r[0], r[1]) === value) return (offset) => r[0] + offset;
  const quoted = text.slice(r[0], r[1]);
  if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && quoted.slice(1, -1) === value) return (offset) => r[0] + 1 + offset;
  return undefined;
}

/** Where an embedded entry is in the document, when the value maps one for one; else the key. */
function entryRange(model: KubeModel, pair: KeyPair, map: ((offset: number) => number) | undefined, e: EmbeddedEntry): Range {
  if (!map) return keyRange(model, pair);
  return model.rangeOf(map(e.start), map(Math.max(e.start, e.end)));
}

/** `(reason; value "a…" (5 characters))`. */
function because(j: SecretJudgement, value: string): Arg {
  const reason = j.reasonText ?? j.reason;
  return value ? frag('k8s.secrets.because', '{reason}; value {masked}', { reason, masked: maskSecretText(value) }) : reason;
}

/** Decodes a Secret's `data` value (base64); undefined when it is not valid base64 or not text. */
function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  try {
    const binary = atob(compact);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function objectsOfKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}


export const secretInManifest: KubeRule = {
  id: 'k8s-secret-in-manifest',
  title: 'Secret values in the manifest',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: [],
  description: 'A Secret manifest with data or stringData puts the secret values in source control; base64 is an encoding, not encryption. Each value is judged: empty values, `${…}`/`{{ … }}` placeholders, booleans and keys that name a user, host, port, URL, file or certificate are not reported; embedded config files are read entry by entry.',
  remediation: 'Keep the values out of the repository: encrypt them with sealed-secrets (SealedSecret) or SOPS, or let external-secrets (ExternalSecret) fetch them from a secret manager.',
  check(model, report) {
    for (const obj of objectsOfKind(model.objects, 'Secret')) {
      for (const field of ['data', 'stringData']) {
        const holder = getPair(obj.node, field);
        if (!holder || !isMap(holder.value)) continue;
        for (const p of (holder.value as YAMLMap).items as KeyPair[]) {
          const key = keyOf(p);
          const raw = scalarText(p);
          if (raw === undefined || raw.trim() === '') continue;
          const decoded = field === 'data' ? decodeBase64(raw) : raw;
          const value = decoded ?? raw;
          const where = frag('k8s.secrets.secret-key', 'Secret "{name}" key "{key}"', { name: obj.name ?? '?', key });
          const format = findCredentialFormat(value);
          if (!format && isEmbeddedFile(key, value)) {
            const entries = embeddedEntries(value, key);
            if (entries.length > 0) {
              const map = field === 'stringData' ? valueOffsetMapper(model, p.value as Scalar) : undefined;
              for (const e of entries) {
                const j = judgeSecret({ name: e.name, value: e.value });
                if (!j.secret) continue;
                report({ range: entryRange(model, p, map, e), l10n: frag('k8s.secrets.sets-to-a-secret', '{where} sets "{name}" to a secret ({because}): use sealed-secrets or external-secrets (or encrypt the file with SOPS) instead of committing secret values.', { where, name: e.name, because: because(j, e.value) }) });
              }
              continue;
            }
          }
          const j = judgeSecret({ name: key, value, context: 'secret-store' });
          if (!j.secret) continue;
          report({ range: value.includes('\n') ? keyRange(model, p) : pairRange(model, p), l10n: frag('k8s.secrets.holds-a-secret-value', '{where} holds a secret value in {field} ({because}): use sealed-secrets or external-secrets (or encrypt the file with SOPS) instead of committing secret values.', { where, field, because: because(j, value) }) });
        }
      }
    }
  },
};

export const configMapSecrets: KubeRule = {
  id: 'k8s-configmap-secrets',
  title: 'ConfigMap holds secret-looking values',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: ['KSV-0109', 'KSV-01010'],
  description: 'ConfigMaps are not meant for secrets: they are readable by anyone who can read the namespace\'s config and are often printed in logs and dashboards. A key is reported when its value is in a known credential format (a token, a private key, a password in a URL), or when its name says credential (password, secret, token, API key…) and its value is a literal, not an empty value, a `${…}`/`{{ … }}` placeholder, a path, a number, a boolean or a URL without credentials. Names that describe a secret (`*_file`, `*_path`, `*_url`) are not. Embedded config files (`config.yaml: |`, `application.properties`) are read entry by entry.',
  remediation: 'Move the value to a Secret (managed with sealed-secrets or external-secrets) and reference it with secretKeyRef.',
  check(model, report) {
    for (const obj of objectsOfKind(model.objects, 'ConfigMap')) {
      const data = getPair(obj.node, 'data');
      if (!data || !isMap(data.value)) continue;
      for (const p of (data.value as YAMLMap).items as KeyPair[]) {
        const key = keyOf(p);
        const value = scalarText(p);
        if (value === undefined) continue;
        const where = frag('k8s.secrets.configmap-key', 'ConfigMap "{name}" key "{key}"', { name: obj.name ?? '?', key });
        // Reports the secret entries of the value read as a config file; says whether there were any.
        const reportEntries = (): boolean => {
          const map = valueOffsetMapper(model, p.value as Scalar);
          let found = false;
          for (const e of embeddedEntries(value, key)) {
            const j = judgeSecret({ name: e.name, value: e.value });
            if (!j.secret) continue;
            found = true;
            report({ range: entryRange(model, p, map, e), l10n: frag('k8s.secrets.sets-to-a-secret-2', '{where} sets "{name}" to a secret ({because}): store it in a Secret.', { where, name: e.name, because: because(j, e.value) }) });
          }
          return found;
        };
        if (isEmbeddedFile(key, value)) {
          const found = reportEntries();
          const format = found ? undefined : findCredentialFormat(value);
          if (format) report({ range: keyRange(model, p), l10n: frag('k8s.secrets.holds-a-credential-store', '{where} holds a credential ({reason}): store it in a Secret.', { where, reason: formatReason(format.format) }) });
          continue;
        }
        // A one-line `NAME=value` / `NAME:value` (an env-file line kept under any key) is judged
        // by the name it assigns; when that says nothing, the key's own name still decides.
        if (ONE_ASSIGNMENT.test(value) && reportEntries()) continue;
        const j = judgeSecret({ name: key, value });
        if (j.secret) report({ range: pairRange(model, p), l10n: frag('k8s.secrets.looks-like-a-secret', '{where} looks like a secret ({because}): store it in a Secret.', { where, because: because(j, value) }) });
      }
    }
  },
};
