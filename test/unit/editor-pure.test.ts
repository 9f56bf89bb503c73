/**
 * The editor's pure helpers: snippet text with its defaults (for hosts without keepWhitespace),
 * which images get the Sign / Verify CodeLens, and the hover's order and Markdown.
 */
import * as assert from 'assert';
import { snippetToPlainText, supportsKeepWhitespace } from '../../src/server/snippetText';
import { imageName, matchesRegistryEntry, offersSigning } from '../../src/extension/signingScope';
import { messageMarkdown, orderForHover, shortReference } from '../../src/server/hoverText';
import { Finding, range } from '../../src/core/model';
import { MAX_YAML_PROBLEMS, yamlProblems } from '../../src/core/yamlProblems';

describe('snippet fixes as plain text', () => {
  it('keeps the defaults of placeholders and choices, drops tab stops, unescapes', () => {
    assert.strictEqual(snippetToPlainText('\n  resources:\n    cpu: ${1:100m}\n    memory: ${2:128Mi}$0'), '\n  resources:\n    cpu: 100m\n    memory: 128Mi');
    assert.strictEqual(snippetToPlainText('CMD ${1|curl,wget|} $2 ${3} done'), 'CMD curl   done');
    assert.strictEqual(snippetToPlainText('echo \\$HOME \\} \\\\ ${1:a \\} b}'), 'echo $HOME } \\ a } b');
    assert.strictEqual(snippetToPlainText('${1:outer ${2:inner}}'), 'outer inner');
  });

  it('leaves text without snippet syntax alone, including lone $ and }', () => {
    assert.strictEqual(snippetToPlainText('price: 5 } ok'), 'price: 5 } ok');
    assert.strictEqual(snippetToPlainText('a\r\nb'), 'a\r\nb');
  });

  it('knows which hosts honour keepWhitespace (1.98 and later)', () => {
    assert.strictEqual(supportsKeepWhitespace('1.139.1'), true);
    assert.strictEqual(supportsKeepWhitespace('1.98.0-insider'), true);
    assert.strictEqual(supportsKeepWhitespace('1.97.2'), false);
    assert.strictEqual(supportsKeepWhitespace('1.90.0'), false);
    assert.strictEqual(supportsKeepWhitespace('2.0.0'), true);
    assert.strictEqual(supportsKeepWhitespace('dev'), false);
  });
});

describe('Sign / Verify CodeLens scope', () => {
  it('spells image names with the registry and Docker Hub\'s library/ namespace', () => {
    assert.strictEqual(imageName('node:20'), 'docker.io/library/node');
    assert.strictEqual(imageName('bitnami/redis:7'), 'docker.io/bitnami/redis');
    assert.strictEqual(imageName('ghcr.io/acme/api@sha256:' + 'a'.repeat(64)), 'ghcr.io/acme/api');
    assert.strictEqual(imageName('--output=/x'), undefined);
  });

  it('never on a Dockerfile FROM and never on public images by default', () => {
    for (const ref of ['node:20', 'mysql:5.6', 'docker.io/library/alpine:3.19', 'mcr.microsoft.com/dotnet/aspnet:8.0', 'registry.k8s.io/pause:3.9', 'gcr.io/distroless/static:nonroot']) {
      assert.strictEqual(offersSigning(ref, 'kubernetes', []), false, ref);
      assert.strictEqual(offersSigning(ref, 'dockerfile', []), false, ref);
    }
    assert.strictEqual(offersSigning('ghcr.io/acme/api:1.0', 'dockerfile', []), false, 'a FROM is a base image');
  });

  it('on manifest images that are not public by default', () => {
    assert.strictEqual(offersSigning('ghcr.io/acme/api:1.0', 'kubernetes', []), true);
    assert.strictEqual(offersSigning('acme/api:1.0', 'kubernetes', []), true, 'a Docker Hub user image may be yours');
    assert.strictEqual(offersSigning('registry.example.com:5000/team/worker:2', 'kubernetes', []), true);
  });

  it('only on shipshape.signing.registries when set, in Dockerfiles too', () => {
    const registries = ['ghcr.io/acme', '*.azurecr.io', 'registry.example.com/team/*'];
    assert.strictEqual(offersSigning('ghcr.io/acme/api:1.0', 'kubernetes', registries), true);
    assert.strictEqual(offersSigning('ghcr.io/acme/base:1.0', 'dockerfile', registries), true, 'your own base image');
    assert.strictEqual(offersSigning('ghcr.io/other/api:1.0', 'kubernetes', registries), false);
    assert.strictEqual(offersSigning('ghcr.io/acmecorp/api:1.0', 'kubernetes', registries), false, 'a prefix is a whole path segment');
    assert.strictEqual(offersSigning('prod.azurecr.io/shop/web:3', 'kubernetes', registries), true);
    assert.strictEqual(offersSigning('registry.example.com/team/worker:2', 'kubernetes', registries), true);
    assert.strictEqual(offersSigning('registry.example.com/other/worker:2', 'kubernetes', registries), false);
    assert.strictEqual(offersSigning('node:20', 'kubernetes', ['docker.io/library']), true, 'explicitly listed');
  });

  it('matches registry entries case-insensitively, ignoring a trailing slash and blanks', () => {
    assert.strictEqual(matchesRegistryEntry('ghcr.io/acme/api', 'GHCR.io/Acme/'), true);
    assert.strictEqual(matchesRegistryEntry('ghcr.io/acme/api', '  '), false);
    assert.strictEqual(offersSigning('ghcr.io/acme/api:1', 'kubernetes', ['', 3, null]), true, 'junk entries are ignored: the default applies');
  });
});

describe('hover text', () => {
  const f = (ruleId: string, severity: Finding['severity'], message = ruleId): Finding => ({ ruleId, severity, message, range: range(0, 0, 0, 1), references: [] });

  it('orders the findings most severe first, keeping the reported order among equals, each once', () => {
    const ordered = orderForHover([f('a', 'low'), f('b', 'high'), f('c', 'medium'), f('d', 'high'), f('b', 'high'), f('e', 'critical')]);
    assert.deepStrictEqual(ordered.map((x) => x.ruleId), ['e', 'b', 'd', 'c', 'a']);
  });

  it('renders backtick spans as code and escapes everything else', () => {
    assert.strictEqual(messageMarkdown('Add `-y` to `apt-get install` so the build does not wait.'), 'Add `-y` to `apt-get install` so the build does not wait\\.');
    assert.strictEqual(messageMarkdown('Set *x* [y](command:evil) $(alert) <b>'), 'Set \\*x\\* \\[y\\]\\(command:evil\\) \\$\\(alert\\) \\<b\\>');
    assert.strictEqual(messageMarkdown('a lone ` backtick'), 'a lone \\` backtick');
  });

  it('shortens Pod Security Standards references', () => {
    assert.strictEqual(shortReference('PSS-restricted:capabilities_restricted'), 'PSS restricted');
    assert.strictEqual(shortReference('KSV-0017'), 'KSV-0017');
  });
});

describe('YAML problems of a manifest an edit broke', () => {
  const base = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n';

  it('reports the parser\'s first message at the broken line', () => {
    assert.deepStrictEqual(yamlProblems(base.replace('kind: Pod', 'kind: Pod: x')), [
      { message: 'Nested mappings are not allowed in compact mappings', range: range(1, 6, 1, 7) },
    ]);
    const [missingColon] = yamlProblems(base.replace('apiVersion: v1', 'apiVersion v1'));
    assert.strictEqual(missingColon.range.start.line, 0);
  });

  it('is empty for YAML that parses, and never throws', () => {
    assert.deepStrictEqual(yamlProblems(base), []);
    assert.deepStrictEqual(yamlProblems(''), []);
    assert.ok(yamlProblems('['.repeat(5000)).length <= MAX_YAML_PROBLEMS);
  });
});
