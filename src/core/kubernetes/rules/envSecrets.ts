/**
 * Literal credentials in a container's `env` (`value: admin` for `GRAFANA_ADMIN_PASSWORD`), judged
 * by the shared detector (core/secrets), with a fix that reads the variable from a Secret.
 */
import { Scalar, YAMLMap, isMap, isScalar } from 'yaml';
import { Fix } from '../../model';
import { judgeSecret, maskSecretText } from '../../secrets';
import { ContainerInfo, KeyPair, KubeModel, columnAt, containerText, getPair, getSeq, getString, pairRange } from '../model';
import { ALL_LISTS, KubeRule, forEachContainer } from './common';
import { fixTitle, frag } from '../../l10n/text';

export const envLiteralSecret: KubeRule = {
  id: 'k8s-env-literal-secret',
  title: 'Credential written literally in a container env',
  severity: 'high',
  appliesTo: 'kubernetes',
  references: [],
  description: 'An `env` entry with a literal `value` puts the credential in the manifest, in source control, and in the pod spec that anyone who can read pods (or the Deployment) can see. An entry is reported when its value is in a known credential format (a token, a private key, a password in a URL), or when its name says credential (password, secret, token, API key…) and its value is a literal, not an empty value, a `$(VAR)`/`${VAR}`/`{{ … }}` reference, a path, a number, a boolean or a URL without credentials. Names that describe a secret (`*_FILE`, `*_PATH`, `*_URL`) are not. Containers, init containers and ephemeral containers are all checked.',
  remediation: 'Create a Secret (managed with sealed-secrets or external-secrets) and read the variable from it with `valueFrom.secretKeyRef` (or mount it as a file).',
  check(model, report) {
    forEachContainer(model, ALL_LISTS, (c) => {
      const env = getSeq(c.node, 'env');
      if (!env) return;
      for (const item of env.items) {
        if (!isMap(item)) continue;
        const name = getString(item, 'name');
        const valuePair = getPair(item, 'value');
        if (!name || !valuePair || !isScalar(valuePair.value)) continue;
        const raw = valuePair.value.value;
        if (raw === null || raw === undefined || typeof raw === 'boolean' || typeof raw === 'number') continue;
        const value = String(raw);
        // Kubernetes expands only `$(VAR)`; `${VAR}` is left for envsubst-style templating.
        const j = judgeSecret({ name, value, syntax: { bareDollar: false } });
        if (!j.secret) continue;
        report({
          range: pairRange(model, valuePair),
          fixes: secretKeyRefFix(model, c, item, valuePair, name),
          l10n: frag('k8s.envSecrets.sets-to-a-literal', '{^container} sets {name} to a literal credential ({reason}; value {masked}): it is readable in the manifest and the pod spec. Read it from a Secret with valueFrom.secretKeyRef.', { container: containerText(c), name, reason: j.reasonText ?? j.reason, masked: maskSecretText(value) }),
        });
      }
    });
  },
};

/** A Secret key name for a variable: `GF_SECURITY_ADMIN_PASSWORD` → `gf-security-admin-password`. */
function secretKeyFor(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return key || 'value';
}

/** A Secret name for an object: `grafana` → `grafana-secrets`. */
function secretNameFor(objectName: string | undefined): string {
  const base = (objectName ?? 'app').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return `${base || 'app'}-secrets`;
}

/**
 * Snippet fix: the `value` pair becomes `valueFrom.secretKeyRef` with the Secret's name and key
 * as placeholders. Not safe: the Secret must exist (and hold the value) for the pod to start.
 */
function secretKeyRefFix(model: KubeModel, c: ContainerInfo, item: YAMLMap, valuePair: KeyPair, name: string): Fix[] | undefined {
  if (getPair(item, 'valueFrom')) return undefined;
  const keyRangeOffsets = valuePair.key.range;
  const valueNode = valuePair.value as Scalar;
  if (!keyRangeOffsets || !valueNode.range) return undefined;
  const start = keyRangeOffsets[0];
  let end = valueNode.range[1];
  const text = model.text;
  // Block scalars end after their last line break: keep the line breaks.
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r' || text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const secret = `\${1:${secretNameFor(c.pod.object.name)}}`;
  const key = `\${2:${secretKeyFor(name)}}`;
  const itemStart = item.range?.[0] ?? start;
  const flow = text[itemStart] === '{';
  let newText: string;
  if (flow) newText = `valueFrom: {secretKeyRef: {name: ${secret}, key: ${key}}}`;
  else {
    const pad = ' '.repeat(columnAt(text, start));
    const unit = ' '.repeat(model.indentUnit);
    const eol = model.eol;
    newText = `valueFrom:${eol}${pad}${unit}secretKeyRef:${eol}${pad}${unit}${unit}name: ${secret}${eol}${pad}${unit}${unit}key: ${key}`;
  }
  return [{
    kind: 'quickfix',
    safe: false,
    preferred: true,
    snippet: true,
    edits: [{ range: model.rangeOf(start, end), newText }],
    ...fixTitle('k8s.envSecrets.read-from-a-secret', 'Read {name} from a Secret (valueFrom.secretKeyRef)', { name }),
  }];
}
