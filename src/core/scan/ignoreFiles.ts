/** "Ignore this vulnerability": pure edits of `.trivyignore` and Grype's config. Content in, content out. */
import type { YAMLMap, YAMLSeq } from 'yaml';

/** The YAML library, loaded when an ignore file is written rather than when the extension starts. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlLib = (): typeof import('yaml') => require('yaml');

/** Ids that may be written into an ignore file: one token, no line breaks or comment characters. */
const IGNORABLE_ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;

function assertId(id: string): void {
  if (!IGNORABLE_ID.test(id)) throw new Error(`"${id}" is not a vulnerability id that can be ignored`);
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** `.trivyignore` with `id` added under a comment; unchanged when the id is already listed. */
export function addToTrivyIgnore(content: string, id: string, comment?: string): string {
  assertId(id);
  const eol = eolOf(content);
  const listed = content.split(/\r?\n/).some((line) => line.replace(/#.*$/, '').trim() === id);
  if (listed) return content;
  const note = (comment ?? '').replace(/[\r\n]+/g, ' ').trim();
  const block = `${note ? `# ${note}${eol}` : ''}${id}${eol}`;
  if (!content) return block;
  return `${content}${content.endsWith('\n') ? '' : eol}${block}`;
}

export interface GrypeIgnoreOptions {
  /** Restrict the rule to one package (Grype matches `package.name` and optional `version`). */
  package?: { name: string; version?: string };
  /** Why, written as a comment above the rule. */
  comment?: string;
}

/**
 * `.grype.yaml` with an `ignore:` rule for `id`, keeping the rest of the file (comments, other
 * keys) as it was; unchanged when an identical rule exists.
 */
export function addToGrypeConfig(content: string, id: string, options: GrypeIgnoreOptions = {}): string {
  assertId(id);
  const { isMap, isSeq, parseDocument } = yamlLib();
  const doc = parseDocument(content);
  if (doc.errors.length) throw new Error(`the grype config is not valid YAML: ${doc.errors[0].message}`);
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as any;
  if (!isMap(doc.contents)) throw new Error('the grype config is not a YAML mapping');
  const root = doc.contents as YAMLMap;
  let ignore: unknown = root.get('ignore', true);
  if (ignore === undefined || ignore === null || (!isSeq(ignore) && (ignore as any).value === null)) {
    ignore = doc.createNode([]);
    root.set('ignore', ignore);
  }
  if (!isSeq(ignore)) throw new Error('"ignore" in the grype config is not a list');
  const seq = ignore as YAMLSeq;
  // `ignore: []` would otherwise grow as a one-line flow list.
  if (seq.flow && seq.items.length === 0) seq.flow = false;
  const wantPkg = options.package;
  const exists = seq.items.some((item) => {
    if (!isMap(item)) return false;
    const js = item.toJSON() as Record<string, any>;
    if (js.vulnerability !== id) return false;
    const p = js.package ?? {};
    return (p.name ?? undefined) === wantPkg?.name && (p.version ?? undefined) === wantPkg?.version;
  });
  if (exists) return content;
  const rule: Record<string, unknown> = { vulnerability: id };
  if (wantPkg) rule.package = wantPkg.version ? { name: wantPkg.name, version: wantPkg.version } : { name: wantPkg.name };
  const node = doc.createNode(rule);
  const note = options.comment?.replace(/[\r\n]+/g, ' ').trim();
  if (note) node.commentBefore = ` ${note}`;
  seq.add(node);
  const out = doc.toString();
  return withEol(out, content);
}

/**
 * Trivy's `.trivyignore.yaml` (read when `--ignorefile` names a `.yaml`/`.yml` file): lists of
 * findings under `vulnerabilities:` (and `misconfigurations:`, `secrets:`, `licenses:`), each an
 * `id` with optional `paths` (doublestar globs matched against the result's target and the
 * package's path), `purls` (package URLs: a rule without a version matches every version,
 * qualifiers must all match), `expired_at` (YYYY-MM-DD) and `statement`. The plain `.trivyignore`
 * holds only ids (and `exp:` dates): a line there hides the vulnerability in every package of
 * every image, which is why "Ignore vulnerability" writes the YAML file.
 */
export const TRIVY_IGNORE_YAML = '.trivyignore.yaml';

/** One rule of `.trivyignore.yaml`, as Shipshape writes it: the id and the package it is ignored in. */
export interface TrivyIgnoreRule {
  id: string;
  purls?: string[];
  paths?: string[];
}

const PURL_SHAPE = /^pkg:[a-zA-Z][a-zA-Z0-9.+-]*\/[^\s]+$/;
const MAX_PURL_LENGTH = 1000;

/**
 * The package a package URL names, without its version and qualifiers (`?arch=…&distro=3.10.2`
 * changes with every base image update), keeping a subpath: what a rule needs to match that
 * package in any later scan. Undefined for anything that is not a package URL.
 */
export function packagePurl(purl: string): string | undefined {
  if (purl.length > MAX_PURL_LENGTH || !PURL_SHAPE.test(purl)) return undefined;
  const hash = purl.indexOf('#');
  const subpath = hash >= 0 ? purl.slice(hash) : '';
  let rest = hash >= 0 ? purl.slice(0, hash) : purl;
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  // The version follows the last `@` after the type (an `@` in a namespace is written %40).
  const at = rest.lastIndexOf('@');
  if (at > rest.indexOf('/')) rest = rest.slice(0, at);
  if (!/^pkg:[^/]+\/[^/]/.test(rest) || rest.endsWith('/')) return undefined;
  return `${rest}${subpath === '#' ? '' : subpath}`;
}

/** A path Trivy can match (its glob syntax would read `*`, `?`, `[` and `{` as patterns). */
function literalPath(path: string): string | undefined {
  if (!path || path.length > 4096 || /[\u0000-\u001f*?[\]{}\\]/.test(path)) return undefined;
  return path.replace(/^\/+/, '');
}

/**
 * The `.trivyignore.yaml` rule that ignores `vuln` in its own package only: by package URL (the
 * report's `PkgIdentifier.PURL`), else by the package's path in the image (language packages:
 * a jar, a `site-packages` entry). Undefined when the report names neither, since then the only
 * rule Trivy could read is the id alone, which hides it in every package.
 */
export function trivyRuleFor(vuln: { id: string; purl?: string; path?: string }): TrivyIgnoreRule | undefined {
  assertId(vuln.id);
  const purl = vuln.purl ? packagePurl(vuln.purl) : undefined;
  if (purl) return { id: vuln.id, purls: [purl] };
  const path = vuln.path ? literalPath(vuln.path) : undefined;
  if (path) return { id: vuln.id, paths: [path] };
  return undefined;
}

function sameStrings(a: unknown, b: readonly string[] | undefined): boolean {
  const x = Array.isArray(a) ? a : [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Whether an existing rule (plain JS) already ignores what `rule` would. */
function coversRule(existing: Record<string, unknown>, rule: TrivyIgnoreRule): boolean {
  if (existing.id !== rule.id) return false;
  const purls = Array.isArray(existing.purls) ? existing.purls : [];
  const paths = Array.isArray(existing.paths) ? existing.paths : [];
  // A rule with neither matches every package and path.
  if (!purls.length && !paths.length) return true;
  if (rule.purls) return !paths.length && rule.purls.every((p) => purls.includes(p));
  if (rule.paths) return !purls.length && rule.paths.every((p) => paths.includes(p));
  return false;
}

/** Whether an existing rule is exactly the one Shipshape wrote for `rule` (for Undo). */
function isRule(existing: Record<string, unknown>, rule: TrivyIgnoreRule): boolean {
  const keys = Object.keys(existing).filter((k) => k !== 'id' && k !== 'purls' && k !== 'paths');
  return existing.id === rule.id && keys.length === 0 && sameStrings(existing.purls, rule.purls) && sameStrings(existing.paths, rule.paths);
}

/** The parsed document and its `key:` list (created when missing), or an error naming what is wrong. */
function listOf(content: string, key: string, what: string, create: boolean): { doc: import('yaml').Document; seq: YAMLSeq | undefined } {
  const { isMap, isSeq, isScalar, parseDocument } = yamlLib();
  const doc = parseDocument(content);
  if (doc.errors.length) throw new Error(`${what} is not valid YAML: ${doc.errors[0].message}`);
  if (doc.contents === null || doc.contents === undefined || (isScalar(doc.contents) && doc.contents.value === null)) {
    if (!create) return { doc, seq: undefined };
    doc.contents = doc.createNode({}) as any;
  }
  if (!isMap(doc.contents)) throw new Error(`${what} is not a YAML mapping`);
  const root = doc.contents as YAMLMap;
  let list: unknown = root.get(key, true);
  if (list === undefined || list === null || (!isSeq(list) && isScalar(list) && list.value === null)) {
    if (!create) return { doc, seq: undefined };
    list = doc.createNode([]);
    root.set(key, list);
  }
  if (!isSeq(list)) throw new Error(`"${key}" in ${what} is not a list`);
  const seq = list as YAMLSeq;
  // `key: []` would otherwise grow as a one-line flow list.
  if (seq.flow && seq.items.length === 0) seq.flow = false;
  return { doc, seq };
}

function withEol(out: string, content: string): string {
  return eolOf(content) === '\r\n' ? out.replace(/\r?\n/g, '\r\n') : out;
}

/**
 * `.trivyignore.yaml` with `rule` added to `vulnerabilities:` under a comment, keeping every other
 * entry, key and comment; unchanged when a rule already covers it. A new file starts with a
 * comment saying how Trivy reads it.
 */
export function addToTrivyIgnoreYaml(content: string, rule: TrivyIgnoreRule, comment?: string): string {
  assertId(rule.id);
  const { doc, seq } = listOf(content, 'vulnerabilities', TRIVY_IGNORE_YAML, true);
  if (seq!.items.some((item) => { const js = (item as { toJSON?: () => unknown }).toJSON?.(); return !!js && typeof js === 'object' && coversRule(js as Record<string, unknown>, rule); })) return content;
  const plain: Record<string, unknown> = { id: rule.id };
  if (rule.purls?.length) plain.purls = [...rule.purls];
  if (rule.paths?.length) plain.paths = [...rule.paths];
  const node = doc.createNode(plain);
  const note = comment?.replace(/[\r\n]+/g, ' ').trim();
  if (note) node.commentBefore = ` ${note}`;
  seq!.add(node);
  if (!content.trim()) doc.commentBefore = ' Trivy reads this file with --ignorefile .trivyignore.yaml (Shipshape\'s scans pass it).';
  return withEol(doc.toString(), content);
}

/** `.trivyignore.yaml` without the rule Shipshape wrote for `rule` (the last identical one); unchanged when it is gone. */
export function removeFromTrivyIgnoreYaml(content: string, rule: TrivyIgnoreRule): string {
  const { doc, seq } = listOf(content, 'vulnerabilities', TRIVY_IGNORE_YAML, false);
  if (!seq) return content;
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const js = (seq.items[i] as { toJSON?: () => unknown }).toJSON?.();
    if (js && typeof js === 'object' && isRule(js as Record<string, unknown>, rule)) {
      seq.items.splice(i, 1);
      return withEol(doc.toString(), content);
    }
  }
  return content;
}

/** `.grype.yaml` without the rule `addToGrypeConfig` wrote for `id` and `options.package`; unchanged when it is gone. */
export function removeFromGrypeConfig(content: string, id: string, options: Pick<GrypeIgnoreOptions, 'package'> = {}): string {
  const { doc, seq } = listOf(content, 'ignore', 'the grype config', false);
  if (!seq) return content;
  const want = options.package;
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const js = (seq.items[i] as { toJSON?: () => unknown }).toJSON?.() as Record<string, any> | undefined;
    if (!js || typeof js !== 'object' || js.vulnerability !== id) continue;
    const keys = Object.keys(js).filter((k) => k !== 'vulnerability' && k !== 'package');
    const p = js.package ?? {};
    const pkeys = Object.keys(p).filter((k) => k !== 'name' && k !== 'version');
    if (keys.length || pkeys.length || (p.name ?? undefined) !== want?.name || (p.version ?? undefined) !== want?.version) continue;
    seq.items.splice(i, 1);
    return withEol(doc.toString(), content);
  }
  return content;
}

/** A vulnerability as the ignore writers need it. */
export interface IgnorableVulnerability { id: string; pkg?: string; installed?: string; purl?: string; path?: string }

/** What "Ignore vulnerability" writes for one vulnerability: the file, and how to add and take back the rule. */
export interface IgnoreEntry {
  /** File name relative to the workspace folder. */
  fileName: string;
  /** What the rule matches besides the id (`pkg:apk/alpine/musl`, a path, `musl 1.1.22-r3`), for messages. */
  scope: string;
  /** The file's new content with the rule added (unchanged when a rule already covers it). */
  add(content: string): string;
  /** The file's content without that rule. */
  remove(content: string): string;
}

export type IgnoreEntryResult =
  | { entry: IgnoreEntry }
  /** The scanner's ignores live elsewhere (Snyk's `.snyk` policy, Scout's VEX). */
  | { unsupported: 'scanner' }
  /** A Trivy finding whose report names no package URL or path: only an id-wide rule is possible. */
  | { unsupported: 'package'; everyPackage: IgnoreEntry };

/**
 * The rule "Ignore vulnerability" writes for `vuln` found by `scanner`, scoped to its package:
 * `.trivyignore.yaml` with the package URL (or path) for Trivy, `.grype.yaml` with the package
 * name and version for Grype.
 */
export function ignoreEntryFor(scanner: string, vuln: IgnorableVulnerability): IgnoreEntryResult {
  assertId(vuln.id);
  const pkgText = vuln.pkg ? `${vuln.pkg}${vuln.installed ? ` ${vuln.installed}` : ''}` : undefined;
  if (scanner === 'trivy') {
    const entryFor = (rule: TrivyIgnoreRule): IgnoreEntry => ({
      fileName: TRIVY_IGNORE_YAML,
      scope: rule.purls?.[0] ?? rule.paths?.[0] ?? '',
      add: (content) => addToTrivyIgnoreYaml(content, rule, pkgText),
      remove: (content) => removeFromTrivyIgnoreYaml(content, rule),
    });
    const rule = trivyRuleFor(vuln);
    return rule ? { entry: entryFor(rule) } : { unsupported: 'package', everyPackage: entryFor({ id: vuln.id }) };
  }
  if (scanner === 'grype') {
    const pkg = vuln.pkg ? { name: vuln.pkg, version: vuln.installed || undefined } : undefined;
    return {
      entry: {
        fileName: '.grype.yaml',
        scope: pkgText ?? '',
        add: (content) => addToGrypeConfig(content, vuln.id, { package: pkg }),
        remove: (content) => removeFromGrypeConfig(content, vuln.id, { package: pkg }),
      },
    };
  }
  return { unsupported: 'scanner' };
}

const TRIVY_FINDING_KEYS = ['id', 'paths', 'purls', 'expired_at', 'statement'] as const;
const MAX_TRIVY_RULES = 10_000;
const DATE = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The ignore file a Trivy scan reads when the workspace has a `.trivyignore.yaml`: its
 * `vulnerabilities:` rules (only the documented keys, strings only) plus every id of a plain
 * `.trivyignore` beside it (Trivy reads one ignore file, and the plain ids must keep working), as
 * YAML written by us. Never throws: an unreadable file contributes no rules.
 */
export function trivyIgnoreForScan(yamlText: string | undefined, plainText?: string): string {
  const rules: Array<Record<string, unknown>> = [];
  try {
    if (yamlText && yamlText.trim()) {
      const { parseDocument } = yamlLib();
      const doc = parseDocument(yamlText, { prettyErrors: false });
      const js = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
      const list = js && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>).vulnerabilities : undefined;
      if (Array.isArray(list)) {
        for (const item of list.slice(0, MAX_TRIVY_RULES)) {
          const rule = pickTrivyRule(item);
          if (rule) rules.push(rule);
        }
      }
    }
  } catch {
    // An alias bomb or anything else unreadable: no rules from it.
  }
  for (const line of (plainText ?? '').split(/\r?\n/).slice(0, MAX_TRIVY_RULES)) {
    const fields = line.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#') || !IGNORABLE_ID.test(fields[0])) continue;
    const rule: Record<string, unknown> = { id: fields[0] };
    const exp = fields.find((f) => f.startsWith('exp:'))?.slice(4);
    if (exp && DATE.test(exp)) rule.expired_at = exp;
    rules.push(rule);
  }
  const { stringify } = yamlLib();
  return `# Written by Shipshape: the workspace's Trivy ignore rules.\n${stringify({ vulnerabilities: rules })}`;
}

/**
 * A rule of the workspace's file with only the documented keys. A rule whose scope (`paths`,
 * `purls`) or expiry cannot be read is left out rather than widened to every package or made
 * permanent.
 */
function pickTrivyRule(item: unknown): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const src = item as Record<string, unknown>;
  if (typeof src.id !== 'string' || !src.id) return undefined;
  const rule: Record<string, unknown> = {};
  for (const k of TRIVY_FINDING_KEYS) {
    const v = src[k];
    if (v === undefined || v === null) continue;
    if (k === 'paths' || k === 'purls') {
      if (!Array.isArray(v) || !v.length || v.length > 1000 || !v.every((x) => typeof x === 'string')) return undefined;
      rule[k] = [...v];
    } else if (k === 'expired_at') {
      // yaml reads an unquoted date as a string (core schema); a !!timestamp tag gives a Date.
      const text = v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v : undefined;
      if (!text || !DATE.test(text)) return undefined;
      rule[k] = text;
    } else if (typeof v === 'string') rule[k] = v;
  }
  return rule;
}

/** The keys of a Grype ignore rule (its documented shape); anything else in a rule is dropped. */
const GRYPE_RULE_KEYS = ['vulnerability', 'reason', 'fix-state', 'namespace', 'vex-status', 'vex-justification', 'match-type', 'include-aliases'] as const;
const GRYPE_PACKAGE_KEYS = ['name', 'version', 'language', 'type', 'location', 'upstream-name'] as const;
const MAX_GRYPE_RULES = 10_000;

/**
 * A Grype configuration holding only the `ignore:` rules of a workspace `.grype.yaml` (the ones
 * "Ignore vulnerability" writes). Grype is given this file with `--config` instead of reading the
 * workspace's own, so a repository cannot change the database URL, registry settings or output
 * file of a scan; ignoring findings is what it may still do, on purpose. Never throws: an
 * unreadable file gives an empty configuration.
 */
export function grypeIgnoreOnlyConfig(workspaceConfig: string | undefined): string {
  const rules: Array<Record<string, unknown>> = [];
  try {
    if (workspaceConfig && workspaceConfig.trim()) {
      const { parseDocument } = yamlLib();
      const doc = parseDocument(workspaceConfig, { prettyErrors: false });
      const js = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
      const ignore = js && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>).ignore : undefined;
      if (Array.isArray(ignore)) {
        for (const item of ignore.slice(0, MAX_GRYPE_RULES)) {
          const rule = pickRule(item);
          if (rule) rules.push(rule);
        }
      }
    }
  } catch {
    // An alias bomb or anything else unreadable: no rules.
  }
  // JSON is YAML: no quoting question can arise from what the workspace wrote.
  return `# Written by Shipshape: only the ignore rules of the workspace's .grype.yaml.\n${JSON.stringify({ ignore: rules })}\n`;
}

function scalar(v: unknown): string | boolean | undefined {
  return typeof v === 'string' || typeof v === 'boolean' ? v : typeof v === 'number' ? String(v) : undefined;
}

function pickRule(item: unknown): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const src = item as Record<string, unknown>;
  const rule: Record<string, unknown> = {};
  for (const k of GRYPE_RULE_KEYS) {
    const v = scalar(src[k]);
    if (v !== undefined) rule[k] = v;
  }
  const pkg = src.package;
  if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) {
    const out: Record<string, unknown> = {};
    for (const k of GRYPE_PACKAGE_KEYS) {
      const v = scalar((pkg as Record<string, unknown>)[k]);
      if (v !== undefined) out[k] = v;
    }
    if (Object.keys(out).length) rule.package = out;
  }
  return Object.keys(rule).length ? rule : undefined;
}

/** The one replacement that turns `before` into `after` (core/text.ts; the editor's ignore edits load it from here). */
export { minimalReplacement } from '../text';
