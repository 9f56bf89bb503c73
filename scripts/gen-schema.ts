/**
 * Generates schemas/shipshape.schema.json, the JSON schema of `.shipshape.yaml`, from the rule
 * registry (every rule id and public ID, with its title, for completion) and from what the
 * core's config reader accepts (setting values and profiles are probed through
 * `normalizeConfig`, so the schema cannot drift from the parser). Contributed to the Red Hat
 * YAML extension through `contributes.yamlValidation`.
 * `--check` exits 1 when the file is out of date (a unit test runs the same check).
 */
import * as fs from 'fs';
import * as path from 'path';
import { allRules, normalizeConfig, SEVERITIES } from '../src/core';

const ROOT = path.resolve(__dirname, '..', '..');
export const SCHEMA_PATH = path.join(ROOT, 'schemas', 'shipshape.schema.json');

/** Values the config reader accepts for a rule, in the order a person reads them. */
function ruleSettingValues(): string[] {
  const candidates = ['off', 'on', ...SEVERITIES, 'error', 'warning', 'information', 'hint'];
  return candidates.filter((v) => normalizeConfig({ rules: { x: v } }).problems.length === 0);
}

function profileValues(): string[] {
  return ['baseline', 'restricted', 'all'].filter((v) => normalizeConfig({ profile: v }).problems.length === 0);
}

const SETTING_DESCRIPTIONS: Record<string, string> = {
  off: 'Do not report this rule.',
  on: 'Report this rule (enables a rule that is off by default).',
  critical: 'Report with severity critical.',
  high: 'Report with severity high.',
  medium: 'Report with severity medium.',
  low: 'Report with severity low.',
  info: 'Report with severity info.',
  error: 'Report as an error (severity high).',
  warning: 'Report as a warning (severity medium).',
  information: 'Report as information (severity low).',
  hint: 'Report as a hint (severity info).',
};

/** The schema, as a plain object. */
export function configSchema(): Record<string, unknown> {
  const values = ruleSettingValues();
  const rules = allRules();
  const ruleProperties: Record<string, unknown> = {};
  for (const rule of rules) {
    ruleProperties[rule.id] = { $ref: '#/definitions/ruleSetting', description: rule.defaultEnabled === false ? `${rule.title} (off by default)` : rule.title };
  }
  // Public IDs shared by several rules configure all of them.
  const byReference = new Map<string, string[]>();
  for (const rule of rules) {
    for (const ref of rule.references) byReference.set(ref, [...(byReference.get(ref) ?? []), rule.id]);
  }
  for (const [ref, ids] of [...byReference].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (ruleProperties[ref]) continue;
    ruleProperties[ref] = { $ref: '#/definitions/ruleSetting', description: `Public ID of ${ids.join(', ')}` };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/shipshape-dev/shipshape/blob/main/schemas/shipshape.schema.json',
    title: 'Shipshape configuration (.shipshape.yaml)',
    description: 'Read by the Shipshape editor extension and by `shipshape check` alike. Generated from the rule registry by `npm run docs`.',
    type: 'object',
    additionalProperties: false,
    properties: {
      profile: {
        description: 'Which Pod Security Standards controls are reported for Kubernetes manifests.',
        enum: profileValues(),
      },
      rules: {
        description: 'Per rule, by our rule id or a public ID (DS-0002, DL3002, KSV-0017…): off, on, or the severity to report.',
        type: 'object',
        properties: ruleProperties,
        additionalProperties: { $ref: '#/definitions/ruleSetting' },
      },
      trustedRegistries: {
        description: 'Registries Dockerfile base images may come from (ghcr.io, *.azurecr.io). Empty: the untrusted-registry rule is off.',
        type: 'array',
        items: { type: 'string', minLength: 1 },
      },
      exclude: {
        description: 'Globs of files not to analyse, relative to the folder of this file (charts/**).',
        type: 'array',
        items: { type: 'string', minLength: 1 },
      },
      helm: {
        description: 'How `shipshape check` renders Helm charts (helm template), per chart folder relative to the folder of this file.',
        type: 'object',
        additionalProperties: false,
        properties: {
          charts: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              properties: {
                values: { description: 'Values files (--values), relative to the folder of this file.', type: 'array', items: { type: 'string', minLength: 1 } },
                set: { description: 'Values set on the command line (--set KEY=VALUE).', type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
                releaseName: { description: 'Release name (default release-name).', type: 'string' },
                namespace: { description: 'Namespace (--namespace).', type: 'string' },
                kubeVersion: { description: 'Kubernetes version for .Capabilities (--kube-version); quote it: "1.30".', type: 'string' },
              },
            },
          },
        },
      },
    },
    definitions: {
      ruleSetting: {
        anyOf: [
          { enum: values, markdownEnumDescriptions: values.map((v) => SETTING_DESCRIPTIONS[v] ?? v) },
          { type: 'boolean', description: 'true = on, false = off.' },
        ],
      },
    },
  };
}

export function schemaText(): string {
  return JSON.stringify(configSchema(), null, 2) + '\n';
}

if (require.main === module) {
  const text = schemaText();
  const current = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, 'utf8') : undefined;
  if (process.argv.includes('--check')) {
    if (current !== text) { console.error('schemas/shipshape.schema.json is out of date: run npm run docs'); process.exit(1); }
  } else if (current !== text) {
    fs.mkdirSync(path.dirname(SCHEMA_PATH), { recursive: true });
    fs.writeFileSync(SCHEMA_PATH, text);
    console.log('schemas/shipshape.schema.json updated');
  }
}
