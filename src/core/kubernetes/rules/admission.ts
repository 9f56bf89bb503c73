/**
 * Admission prediction: what Pod Security admission will do with a workload, from the
 * `pod-security.kubernetes.io/<mode>` labels of its Namespace (in the same file or in another
 * file of the run). Each Namespace states facts (`pss:<mode>:<namespace>:<level>`); after the
 * rules ran, `deriveAdmission` turns the Pod Security Standards findings of each namespaced
 * workload into one held finding per mode and level, which stands only when a Namespace of the
 * run carries that label (engine.ts, Analyzer.derive).
 *
 * As the admission controller applies the modes: `enforce` rejects Pods (a Deployment, Job…
 * is created, but the Pods its controller creates are rejected); `warn` makes kubectl print a
 * warning for Pods and for workload templates; `audit` annotates the audit log. `restricted`
 * enforces the baseline and the restricted controls, `baseline` the baseline ones.
 */
import { isScalar } from 'yaml';
import { DerivedReport } from '../../engine';
import { Finding, RelatedInfo, RuleMeta } from '../../model';
import { KubeModel, KubeObject, getMap, pairRange } from '../model';
import { KubeRule } from './common';
import { msg } from '../../l10n/text';
import { POD_SECURITY_FACT } from '../podSecurityText';

type Mode = 'enforce' | 'warn' | 'audit';
type Level = 'baseline' | 'restricted';
const MODES: readonly Mode[] = ['enforce', 'warn', 'audit'];
const LABEL = /^pod-security\.kubernetes\.io\/(enforce|warn|audit)$/;

/** Whether a Pod Security label fact of a namespace of the file's pods can hold. */
function anyLabelMayStand(model: KubeModel, mayStand: (fact: string) => boolean): boolean {
  const seen = new Set<string>();
  for (const pod of model.pods) {
    const ns = pod.object.namespace;
    if (ns === undefined || seen.has(ns)) continue;
    seen.add(ns);
    for (const mode of MODES) if (mayStand(admissionFact(mode, ns, 'baseline')) || mayStand(admissionFact(mode, ns, 'restricted'))) return true;
  }
  return false;
}

/** The fact a Namespace states for one of its Pod Security labels. */
export function admissionFact(mode: Mode, namespace: string, level: Level): string {
  return `${POD_SECURITY_FACT}${mode}:${namespace}:${level}`;
}

/** Facts of the Namespaces of a file: which profile each enforces, warns on and audits. */
export function namespaceAdmissionFacts(model: KubeModel): string[] {
  const out: string[] = [];
  for (const obj of model.objects) {
    if (obj.kind !== 'Namespace' || !obj.name) continue;
    const labels = getMap(getMap(obj.node, 'metadata'), 'labels');
    if (!labels) continue;
    for (const p of labels.items) {
      const m = isScalar(p.key) ? LABEL.exec(String(p.key.value)) : null;
      const level = isScalar(p.value) ? String(p.value.value) : '';
      if (m && (level === 'baseline' || level === 'restricted')) out.push(admissionFact(m[1] as Mode, obj.name, level));
    }
  }
  return out;
}

export const admissionRejected: KubeRule = {
  id: 'k8s-admission-rejected',
  title: 'The API server will reject the Pod (its namespace enforces a Pod Security Standard)',
  severity: 'critical',
  appliesTo: 'kubernetes',
  references: [],
  description: 'A namespace labelled pod-security.kubernetes.io/enforce: baseline or restricted makes Pod Security admission reject every Pod that violates that profile. A bare Pod fails to apply; a Deployment, StatefulSet, DaemonSet, Job or CronJob is created, but the Pods its controller makes are rejected, so it never runs (the events say FailedCreate). The prediction reads the Namespace in the same file or in the files checked together, and the Pod Security findings Shipshape reports (so the profile setting limits it: with profile baseline, restricted controls are not predicted). Reported by deriving from those findings; this rule has no check of its own.',
  remediation: 'Fix the Pod Security findings listed with it (each names its control), or run the workload in a namespace whose profile allows it.',
  check() {
    // Derived from the Pod Security findings once every rule ran (deriveAdmission).
  },
};

export const admissionWarned: KubeRule = {
  id: 'k8s-admission-warning',
  title: 'kubectl will warn about the Pod (its namespace warns on or audits a Pod Security Standard)',
  severity: 'medium',
  appliesTo: 'kubernetes',
  references: [],
  description: 'A namespace labelled pod-security.kubernetes.io/warn (or audit) with baseline or restricted admits the workload, but kubectl prints a warning for every violation (or the audit log records it): usually the step before the namespace enforces the profile. Reported by deriving from the Pod Security findings; this rule has no check of its own.',
  remediation: 'Fix the Pod Security findings listed with it before the namespace enforces the profile.',
  check() {
    // Derived from the Pod Security findings once every rule ran (deriveAdmission).
  },
};

/** One workload's Pod Security findings, by level. */
interface Violations { object: KubeObject; baseline: Finding[]; restricted: Finding[] }

/** Line span of each namespaced object with a pod spec, sorted by position. */
function workloadSpans(model: KubeModel): Array<{ object: KubeObject; start: number; end: number }> {
  const spans: Array<{ object: KubeObject; start: number; end: number }> = [];
  const seen = new Set<KubeObject>();
  for (const pod of model.pods) {
    const o = pod.object;
    if (seen.has(o) || !o.namespace || !o.node.range) continue;
    seen.add(o);
    const r = model.rangeOf(o.node.range[0], o.node.range[1]);
    spans.push({ object: o, start: r.start.line, end: r.end.line });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** The PSS control a finding names (`PSS-restricted:runAsNonRoot` → `runAsNonRoot`), for messages. */
function controls(findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const f of findings) for (const ref of f.references) if (ref.startsWith('PSS-')) out.add(ref.slice(ref.indexOf(':') + 1));
  return [...out];
}

function relatedOf(findings: readonly Finding[]): RelatedInfo[] {
  return findings.map((f) => ({ range: f.range, ...msg('k8s.admission.related', '{controls}: {message}', { controls: f.references.filter((x) => x.startsWith('PSS-')).join(', '), message: f.l10n ?? f.message }) }));
}

/** What a finding about a workload calls it. */
function workloadLabel(o: KubeObject): string {
  return `${o.kind} "${o.name ?? '?'}"`;
}

/**
 * The held admission findings of a file: for each namespaced workload with Pod Security findings,
 * one per mode and level it violates, each requiring its Namespace's label fact.
 */
export function deriveAdmission(model: KubeModel, findings: readonly Finding[], rules: readonly RuleMeta[], mayStand?: (fact: string) => boolean): DerivedReport[] {
  // Nothing to build when no label fact of a namespace of the file's workloads can hold (a file
  // analysed alone has only its own Namespaces' labels; a run may know that no file has any).
  if (mayStand && !anyLabelMayStand(model, mayStand)) return [];
  const levelOf = new Map<string, Level>();
  for (const r of rules) if (r.pss) levelOf.set(r.id, r.pss);
  const spans = workloadSpans(model);
  if (spans.length === 0) return [];
  const byObject = new Map<KubeObject, Violations>();
  for (const f of findings) {
    const level = levelOf.get(f.ruleId);
    if (!level) continue;
    const line = f.range.start.line;
    // Binary search for the last span starting at or before the finding.
    let lo = 0, hi = spans.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid].start <= line) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (at < 0 || spans[at].end < line) continue;
    const o = spans[at].object;
    let v = byObject.get(o);
    if (!v) byObject.set(o, (v = { object: o, baseline: [], restricted: [] }));
    v[level].push(f);
  }
  const out: DerivedReport[] = [];
  for (const v of byObject.values()) {
    const ns = v.object.namespace!;
    const range = pairRange(model, v.object.kindPair);
    const all = [...v.baseline, ...v.restricted];
    const shared: Partial<Record<Level, { list: string; related: RelatedInfo[] }>> = {};
    for (const mode of MODES) {
      for (const level of ['restricted', 'baseline'] as const) {
        const violating = level === 'restricted' ? all : v.baseline;
        if (violating.length === 0) continue;
        const requires = admissionFact(mode, ns, level);
        if (mayStand && !mayStand(requires)) continue;
        const { list, related } = (shared[level] ??= { list: controls(violating).join(', '), related: relatedOf(violating) });
        const pod = v.object.kind === 'Pod';
        const args = { workload: workloadLabel(v.object), ns, level, list };
        const message = mode === 'enforce'
          ? pod
            ? msg('k8s.admission.reject-pod', 'The API server will reject {workload} (namespace {ns} enforces {level}): {list}.', args)
            : msg('k8s.admission.reject-pods-of', 'The API server will reject the Pods of {workload} (namespace {ns} enforces {level}): it is created, but none of its Pods is admitted ({list}).', args)
          : mode === 'warn'
            ? msg('k8s.admission.warn', 'kubectl will warn when {workload} is applied (namespace {ns} warns on {level}): {list}.', args)
            : msg('k8s.admission.audit', 'The audit log will record {workload} as violating {level} (namespace {ns} audits it): {list}.', args);
        out.push({
          ruleId: mode === 'enforce' ? admissionRejected.id : admissionWarned.id,
          ...message,
          range,
          related,
          requires,
        });
      }
    }
  }
  return out;
}
