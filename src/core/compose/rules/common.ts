/**
 * Small helpers shared by the Compose rules.
 *
 * Conventions every rule follows:
 * - References are CIS Docker Benchmark v1.6.0 section 5 items as `CIS-5.x` (section 4 as
 *   `CIS-4.x`, like the Dockerfile rules); a rule without a matching public check has none.
 * - Ranges: the offending `key: value` pair or sequence item; for a missing field, the service's
 *   name key under `services`.
 * - "Missing field" rules skip partial services (fragments an override file completes) and read
 *   what a service inherits through `extends`.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { Range, Rule } from '../../model';
import { KeyPair, pairOffsets } from '../../kubernetes/model';
import { ComposeModel, ComposeService } from '../model';

export type ComposeRule = Rule<ComposeModel>;

/** Range of a pair for a finding: the whole pair for scalars, only the key when the value is a collection. */
export function findingRange(model: ComposeModel, pair: KeyPair): Range {
  const v = pair.value;
  if (isMap(v) || isSeq(v)) {
    const r = pair.key.range ?? [0, 0, 0];
    return model.rangeOf(r[0], r[1]);
  }
  return pairRange(model, pair);
}

/** Range of a pair: from its key to the end of its value. */
export function pairRange(model: ComposeModel, pair: KeyPair): Range {
  const [s, e] = pairOffsets(pair);
  return model.rangeOf(s, e);
}

/** Range of a node's value (a block collection's ends where its last item does, not on the next line). */
export function nodeRange(model: ComposeModel, node: { range?: [number, number, number] | null }): Range {
  const r = node.range ?? [0, 0, 0];
  let end = r[1];
  const t = model.text;
  while (end > r[0] && (t.charCodeAt(end - 1) === 10 || t.charCodeAt(end - 1) === 13 || t.charCodeAt(end - 1) === 32 || t.charCodeAt(end - 1) === 9)) end--;
  return model.rangeOf(r[0], end);
}

/** The string items of a sequence with their index and node. */
export function* stringItems(seq: unknown): Generator<{ index: number; value: string; node: { range?: [number, number, number] | null } }> {
  if (!isSeq(seq)) return;
  for (let i = 0; i < seq.items.length; i++) {
    const it = seq.items[i];
    if (isScalar(it) && typeof it.value === 'string') yield { index: i, value: it.value, node: it };
  }
}

/** Calls fn for every service. */
export function forEachService(model: ComposeModel, fn: (s: ComposeService) => void): void {
  for (const s of model.services) fn(s);
}

/** The sentence-initial form of a label. */
export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
