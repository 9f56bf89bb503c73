/**
 * The `.shipshape.yaml` JSON schema (schemas/shipshape.schema.json): generated from the rule
 * registry and current, contributed to the YAML extension, accepting what the README shows and
 * what the config reader accepts, rejecting what it rejects.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { allRules, parseConfigText } from '../../src/core';
import { configSchema, SCHEMA_PATH, schemaText } from '../../scripts/gen-schema';

const ROOT = path.resolve(__dirname, '..', '..', '..');

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };

/** ajv is in node_modules (through @vscode/vsce); the schema's editor-only keywords are declared. */
function compile(): Validate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv') as { default?: new (o: object) => any } & (new (o: object) => any);
  const Ctor = Ajv.default ?? Ajv;
  const ajv = new Ctor({ strict: true, allErrors: true });
  ajv.addKeyword('markdownEnumDescriptions');
  return ajv.compile(configSchema());
}

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const example = blocks.find((b) => /^profile:/m.test(b) && /^rules:/m.test(b));
  assert.ok(example, 'the README shows a .shipshape.yaml example');
  return example;
}

describe('.shipshape.yaml schema', () => {
  const validate = compile();
  const errorsOf = (data: unknown) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

  it('is generated and current (npm run docs)', () => {
    assert.ok(fs.existsSync(SCHEMA_PATH), 'schemas/shipshape.schema.json exists');
    assert.strictEqual(fs.readFileSync(SCHEMA_PATH, 'utf8'), schemaText(), 'schemas/shipshape.schema.json is stale: run npm run docs');
  });

  it('is contributed for .shipshape.yaml through yamlValidation, and shipped', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.contributes.yamlValidation.find((v: { fileMatch: string }) => v.fileMatch === '.shipshape.yaml');
    assert.ok(entry, 'a yamlValidation entry for .shipshape.yaml');
    assert.strictEqual(path.resolve(ROOT, entry.url), SCHEMA_PATH);
    const ignore = fs.existsSync(path.join(ROOT, '.vscodeignore')) ? fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8') : '';
    assert.ok(!/^schemas\b/m.test(ignore), 'the schema is not excluded from the .vsix');
  });

  it('offers every rule id and public ID for completion', () => {
    const props = (configSchema().properties as any).rules.properties as Record<string, { description: string }>;
    for (const rule of allRules()) {
      assert.strictEqual(props[rule.id]?.description?.startsWith(rule.title), true, rule.id);
      for (const ref of rule.references) assert.ok(props[ref], `${rule.id}: ${ref}`);
    }
  });

  it('accepts the README example, and the config reader agrees', () => {
    const text = readmeExample();
    assert.deepStrictEqual(errorsOf(parse(text)), []);
    assert.deepStrictEqual(parseConfigText(text).problems, []);
  });

  it('accepts every setting word and booleans, rejects an unknown severity and profile', () => {
    assert.deepStrictEqual(errorsOf({ rules: { 'docker-root-user': 'off', 'DS-0002': 'critical', KSV0012: 'medium', DL3002: true, 'any-id': 'info', DL3003: 'on', DL3004: 'high', DL3005: 'low' } }), []);
    // error/warning/information/hint are the shipshape.rules setting's older words, not .shipshape.yaml's: refused, with the severity they meant.
    assert.notDeepStrictEqual(errorsOf({ rules: { KSV0012: 'warning' } }), []);
    assert.match(parseConfigText('rules:\n  KSV0012: warning\n').problems.join('\n'), /^rules\.KSV0012: expected one of off, on, critical, high, medium, low, info \(warning is medium\)$/);
    assert.notDeepStrictEqual(errorsOf({ rules: { 'docker-root-user': 'severe' } }), []);
    assert.ok(parseConfigText('rules:\n  docker-root-user: severe\n').problems.length > 0, 'the reader rejects it too');
    assert.notDeepStrictEqual(errorsOf({ profile: 'strict' }), []);
    assert.ok(parseConfigText('profile: strict\n').problems.length > 0);
  });

  it('rejects ill-typed lists and unknown top-level keys', () => {
    assert.notDeepStrictEqual(errorsOf({ exclude: 'charts/**' }), []);
    assert.notDeepStrictEqual(errorsOf({ trustedRegistries: [1] }), []);
    assert.notDeepStrictEqual(errorsOf({ profiles: 'restricted' }), [], 'a misspelt key is flagged');
    assert.notDeepStrictEqual(errorsOf({ rules: ['docker-root-user'] }), []);
  });
});
