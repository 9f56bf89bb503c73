/**
 * The `key: value` entries of a config file embedded in a string (a ConfigMap's `config.yaml: |`
 * block, an `application.properties` value), with offsets into that string, so each entry can be
 * judged by the detector and reported where it is written.
 *
 * YAML and JSON are read with the `yaml` parser (JSON is YAML); properties, INI, TOML and .env
 * files with a small line reader (`key=value`, `key: value`, `key = "value"`, `[section]`,
 * `#`/`;` comments). Not re-exported from index.ts: this module loads the YAML parser, which a
 * Dockerfile analysis does not need.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { EmbeddedEntry, MAX_ENTRIES, lineEntries } from './lines';

export type { EmbeddedEntry } from './lines';

const MAX_DEPTH = 64;

const YAML_EXT = /\.(ya?ml|json)$/i;
const LINE_EXT = /\.(properties|ini|env|conf|cfg|toml|cnf|txt|rc)$|(^|[./])env$/i;

/** The entries of an embedded config file; `fileName` (the ConfigMap key) picks the format. */
export function embeddedEntries(content: string, fileName = ''): EmbeddedEntry[] {
  if (!content.includes('=') && !content.includes(':')) return [];
  if (LINE_EXT.test(fileName)) return lineEntries(content);
  const yamlish = YAML_EXT.test(fileName);
  const entries = yamlEntries(content, yamlish);
  return entries ?? lineEntries(content);
}

/** Entries read as YAML, or undefined when the text is not a YAML/JSON mapping. */
function yamlEntries(content: string, expected: boolean): EmbeddedEntry[] | undefined {
  let doc;
  try {
    doc = parseDocument(content, { uniqueKeys: false });
  } catch {
    return undefined;
  }
  if (doc.errors.length > 0 || !(isMap(doc.contents) || (expected && isSeq(doc.contents)))) return undefined;
  const out: EmbeddedEntry[] = [];
  const walk = (node: unknown, key: string | undefined, keyStart: number | undefined, depth: number): void => {
    if (depth > MAX_DEPTH || out.length >= MAX_ENTRIES) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key;
        if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) continue;
        walk(pair.value, String(k.value), k.range?.[0], depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, key, undefined, depth + 1);
    } else if (isScalar(node) && key !== undefined && node.range) {
      const value = node.value === null || node.value === undefined ? '' : String(node.value);
      out.push({ name: key, value, start: keyStart ?? node.range[0], end: node.range[1] });
    } else if (node === null && key !== undefined && keyStart !== undefined) {
      out.push({ name: key, value: '', start: keyStart, end: keyStart + key.length });
    }
  };
  walk(doc.contents, undefined, undefined, 0);
  return out;
}
