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
