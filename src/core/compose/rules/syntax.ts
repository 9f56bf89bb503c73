/** YAML problems of a Compose file: docker compose refuses a file that does not parse. */
import { ComposeRule } from './common';
import { frag, msg } from '../../l10n/text';

export const yamlSyntax: ComposeRule = {
  id: 'compose-yaml-syntax',
  title: 'Compose file YAML does not parse',
  severity: 'high',
  appliesTo: 'compose',
  references: [],
  description: 'The file is not valid YAML (a key written twice counts: Compose rejects it too), so docker compose refuses it and Shipshape cannot check its services.',
  remediation: 'Fix the YAML at the reported position.',
  check(model, report) {
    for (const p of model.problems) {
      const problem = p.duplicateKey !== undefined ? frag('compose.syntax.key-twice', 'Map keys must be unique: "{key}" is written twice', { key: p.duplicateKey }) : p.message;
      report({ range: model.rangeOf(p.start, p.end), ...msg('compose.syntax.yaml-error', 'YAML error: {problem} (the services are not checked).', { problem }) });
    }
  },
};
