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
  return eolOf(content) === '\r\n' ? out.replace(/\r?\n/g, '\r\n') : out;
}

/** Where "ignore this vulnerability" is written for a scanner, and how. */
export interface IgnoreTarget {
  /** File name relative to the workspace folder. */
  fileName: string;
  /** The file's new content with the vulnerability ignored. */
  add(content: string, vuln: { id: string; pkg?: string; installed?: string }, comment?: string): string;
}

/**
 * The ignore file a scanner reads by default: `.trivyignore` for Trivy, `.grype.yaml` for Grype.
 * Undefined for scanners whose ignores live elsewhere (Snyk's `.snyk` policy, Scout's VEX).
 */
export function ignoreTargetFor(scanner: string): IgnoreTarget | undefined {
  if (scanner === 'trivy') {
    return { fileName: '.trivyignore', add: (content, v, comment) => addToTrivyIgnore(content, v.id, comment ?? (v.pkg ? `${v.pkg}${v.installed ? ` ${v.installed}` : ''}` : undefined)) };
  }
  if (scanner === 'grype') {
    return {
      fileName: '.grype.yaml',
      add: (content, v, comment) => addToGrypeConfig(content, v.id, { comment, package: v.pkg ? { name: v.pkg, version: v.installed || undefined } : undefined }),
    };
  }
  return undefined;
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
