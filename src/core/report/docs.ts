import { RuleMeta } from '../model';

/** Where the rule documentation is published; pages are also shipped in the extension. */
export const DOCS_BASE_URL = 'https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/';

/** Public URL of a rule's documentation page. */
export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${encodeURIComponent(ruleId)}.md`;
}

/** Human label of a public reference, for hovers and docs (e.g. `DS-0002` → Trivy DS-0002). */
export function describeReference(ref: string): string {
  if (/^(DS|KSV|KCV)-/.test(ref)) return `Trivy ${ref}`;
  if (/^DL\d+/.test(ref)) return `hadolint ${ref}`;
  if (/^CIS-/.test(ref)) return `CIS ${ref.slice(4)}`;
  if (/^PSS/.test(ref)) return `Pod Security Standards ${ref.replace(/^PSS[-:]?/, '')}`;
  return ref;
}

const FILE_KIND_LABELS: Record<string, string> = { dockerfile: 'Dockerfile', kubernetes: 'Kubernetes manifest', compose: 'Docker Compose file', 'github-workflow': 'GitHub Actions workflow' };

/** The Markdown documentation page of a rule, generated from its metadata. */
export function renderRuleDoc(rule: RuleMeta): string {
  const refs = rule.references.map((r) => `- ${describeReference(r)}`).join('\n');
  const lines = [
    `# ${rule.id}: ${rule.title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| File kind | ${FILE_KIND_LABELS[rule.appliesTo] ?? rule.appliesTo} |`,
    `| Default severity | ${rule.severity} |`,
    ...(rule.pss ? [`| Pod Security Standards | ${rule.pss} |`] : []),
    `| Enabled by default | ${rule.defaultEnabled === false ? 'no' : 'yes'} |`,
    '',
    '## Why it matters',
    '',
    rule.description,
    '',
    '## How to fix it',
    '',
    rule.remediation,
    '',
    '## Public IDs',
    '',
    refs || '- none',
    '',
    '## Suppressing it',
    '',
    'On the line before the finding (or at the end of the line, in YAML):',
    '',
    '```',
    `# shipshape-ignore ${rule.id} <reason>`,
    '```',
    '',
    'For the whole file:',
    '',
    '```',
    `# shipshape-ignore-file ${rule.id} <reason>`,
    '```',
    '',
    `Or in \`.shipshape.yaml\`: \`rules: { ${rule.id}: off }\`.`,
    '',
  ];
  return lines.join('\n');
}
