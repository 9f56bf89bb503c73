/**
 * Fixes of the Compose rules, built on the Kubernetes analyser's layout-preserving YAML edits
 * (kubernetes/yamlEdit.ts): each returns a Fix or undefined when the change cannot be made safely.
 * No fix is offered for a service that shares nodes through anchors and aliases.
 */
import { Pair, Scalar, YAMLMap, isScalar } from 'yaml';
import { Fix, TextEdit } from '../model';
import { TitleLike, fixTitle, titleOf } from '../l10n/text';
import { LazyPatchFix, MapPatch, SeqEnsure, canPatchMap, removePair, removeSeqItems, replaceScalar } from '../kubernetes/yamlEdit';
import { ComposeModel, ComposeService, composeBool, inheritedPair, scalarText, serviceMaps } from './model';
import { getPair, getSeq } from '../kubernetes/model';

/** `cap_drop` must hold ALL (Docker reads capability names case-insensitively, with or without CAP_). */
export const CAP_DROP_ALL: SeqEnsure = {
  ensure: 'ALL',
  present: (v) => typeof v === 'string' && /^(CAP_)?ALL$/i.test(v.trim()),
};

/** `no-new-privileges` as Docker reads it: alone, `=true` or `:true`. */
export function isNoNewPrivileges(v: unknown): boolean {
  return typeof v === 'string' && /^no-new-privileges([:=]true)?$/i.test(v.trim());
}

/** `security_opt` must hold no-new-privileges:true; an explicit `:false` is turned into it. */
export const NO_NEW_PRIVILEGES: SeqEnsure = {
  ensure: 'no-new-privileges:true',
  present: isNoNewPrivileges,
  repairable: (v) => typeof v === 'string' && /^no-new-privileges[:=]false$/i.test(v.trim()),
};

/** The user "Run as a non-root user" sets: a high uid/gid that no image's own account uses. */
export const NON_ROOT_USER = '"10001:10001"';

function cached(s: ComposeService, key: string, compute: () => Fix | undefined): Fix | undefined {
  const byKey = (s.memo.fixes ??= new Map());
  if (byKey.has(key)) return byKey.get(key);
  const result = s.shared ? undefined : compute();
  byKey.set(key, result);
  return result;
}

/** A fix merging a patch into any mapping (undefined when the edit cannot be made). */
export function mapPatchFix(model: ComposeModel, map: YAMLMap, patch: MapPatch, title: TitleLike, safe = false, preferred = true): Fix | undefined {
  return canPatchMap(model, map, patch) ? new LazyPatchFix(title, 'quickfix', safe, preferred, model, map, patch) : undefined;
}

/** A fix merging a patch into a service's mapping (undefined when the edit cannot be made). */
export function servicePatchFix(model: ComposeModel, s: ComposeService, key: string, patch: MapPatch, title: TitleLike, safe = false, preferred = true): Fix | undefined {
  return cached(s, key, () => mapPatchFix(model, s.node, patch, title, safe, preferred));
}

function fixOf(title: TitleLike, edits: TextEdit[] | undefined, safe = false): Fix | undefined {
  return edits && edits.length > 0 ? { kind: 'quickfix', safe, preferred: true, edits, ...titleOf(title) } : undefined;
}

/** Fix: remove a pair of a service (`privileged: true`, `network_mode: host`). */
export function removeServicePairFix(model: ComposeModel, s: ComposeService, map: YAMLMap, pair: Pair, title: TitleLike): Fix | undefined {
  if (s.shared) return undefined;
  return fixOf(title, removePair(model, map, pair));
}

/** Fix: remove some items of a sequence pair of a service (the pair goes when it empties). */
export function removeItemsFix(model: ComposeModel, s: ComposeService, map: YAMLMap, key: string, indices: number[], title: TitleLike): Fix | undefined {
  const pair = getPair(map, key);
  const seq = getSeq(map, key);
  if (s.shared || !pair || !seq || indices.length === 0) return undefined;
  return fixOf(title, removeSeqItems(model, seq, indices, { map, pair }));
}

/** Fix: replace a scalar with another text. */
export function replaceScalarFix(model: ComposeModel, s: ComposeService, node: Scalar, text: string, title: TitleLike): Fix | undefined {
  if (s.shared) return undefined;
  return fixOf(title, replaceScalar(model, node, text));
}

/** Fix: insert text into a scalar at an offset relative to its start (after the quote of a quoted one). */
export function insertIntoScalarFix(model: ComposeModel, s: ComposeService, node: Scalar, text: string, title: TitleLike): Fix | undefined {
  const r = node.range;
  if (s.shared || !r) return undefined;
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  if (!quoted && typeof node.value !== 'string') return replaceScalarFix(model, s, node, `"${text}${scalarText(node) ?? ''}"`, title);
  const at = r[0] + (quoted ? 1 : 0);
  return fixOf(title, [{ range: model.rangeOf(at, at), newText: text }]);
}

export const READ_ONLY_TITLE = fixTitle('compose.fixes.read-only', 'Set read_only: true (may break apps that write outside volumes: give them tmpfs: [/tmp] for scratch space)');

/** Fix: `read_only: true`. */
export function readOnlyFix(model: ComposeModel, s: ComposeService): Fix | undefined {
  return servicePatchFix(model, s, 'read_only', { read_only: 'true' }, READ_ONLY_TITLE);
}

/** Fix: `cap_drop: [ALL]` (merged into an existing list). */
export function capDropAllFix(model: ComposeModel, s: ComposeService): Fix | undefined {
  return servicePatchFix(model, s, 'cap_drop', { cap_drop: CAP_DROP_ALL }, fixTitle('compose.fixes.cap-drop-all', 'Drop all capabilities (cap_drop: [ALL]; may break images that need a default one)'));
}

/** Fix: `security_opt: [no-new-privileges:true]` (merged into an existing list). */
export function noNewPrivilegesFix(model: ComposeModel, s: ComposeService): Fix | undefined {
  return servicePatchFix(model, s, 'security_opt', { security_opt: NO_NEW_PRIVILEGES }, fixTitle('compose.fixes.no-new-privileges', 'Add security_opt no-new-privileges:true (breaks setuid programs such as sudo)'));
}

/** Fix: `user: "10001:10001"`. */
export function nonRootUserFix(model: ComposeModel, s: ComposeService): Fix | undefined {
  return servicePatchFix(model, s, 'user', { user: NON_ROOT_USER }, fixTitle('compose.runtime.run-as-user-10001', 'Run as user 10001:10001 (may break images that need root or own their files)'));
}

/** The fields "Harden this service" still has to set for a service (empty when hardened). */
export function hardenPatch(s: ComposeService): MapPatch {
  const patch: MapPatch = {};
  if (composeBool(getPair(s.node, 'privileged')?.value) === true) patch.privileged = 'false';
  const maps = serviceMaps(s);
  if (!maps.some((m) => getSeq(m, 'cap_drop')?.items.some((it) => isScalar(it) && CAP_DROP_ALL.present(it.value)))) patch.cap_drop = CAP_DROP_ALL;
  if (!maps.some((m) => getSeq(m, 'security_opt')?.items.some((it) => isScalar(it) && isNoNewPrivileges(it.value)))) patch.security_opt = NO_NEW_PRIVILEGES;
  if (composeBool(inheritedPair(s, 'read_only')?.value) !== true) patch.read_only = 'true';
  const user = scalarText(getPair(s.node, 'user')?.value);
  if (user !== undefined && isRootUser(user)) patch.user = NON_ROOT_USER;
  return patch;
}

/** The fields "Harden this service" can change. */
export type HardenedField = 'privileged' | 'cap_drop' | 'security_opt' | 'read_only' | 'user';

/**
 * "Harden this service": privileged off, all capabilities dropped, no-new-privileges, a
 * read-only root filesystem, a non-root user where root is written, merged with what the
 * service has. Offered on a finding only when it changes the field that finding is about.
 */
export function hardenServiceFix(model: ComposeModel, s: ComposeService, covers: HardenedField): Fix | undefined {
  // Several findings of a service offer it: the patch is worked out once.
  const patch = (s.memo.harden ??= hardenPatch(s));
  if (patch[covers] === undefined || Object.keys(patch).length < 2) return undefined;
  return servicePatchFix(model, s, 'harden', patch, fixTitle('compose.fixes.harden', 'Harden this service (may break apps that need root, capabilities or a writable filesystem)'), false, false);
}

/** `root`, `0`, `root:…`, `0:…`: the user Docker runs as root. */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0];
  return name === 'root' || name === '0';
}
