/**
 * The extension host runs no analysis (#15): dist/extension.js, the bundle it loads and the
 * feature groups loaded after activation contain no analyser, no rule and no parser; what it loads lazily is the language client and the YAML library (for commands that
 * write YAML). The integration test in test/integration/diagnostics.test.ts checks what the host
 * actually loads after opening files.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { allRules } from '../../src/core';
import { ensureServerBuilt, ROOT } from './lsp-client';

describe('the extension host\'s bundles (dist/extension.js and the groups it loads) hold no analysis', function () {
  this.timeout(60_000);
  /** Everything the extension host may load of ours but the language client and the YAML library: the loader, the activation bundle and the feature groups (extension-activation.test.ts). */
  let bundle: string;
  before(() => {
    ensureServerBuilt();
    bundle = ['extension.js', 'extension.bundle.js', 'lib/images.js', 'lib/tools.js', 'lib/scan-core.js', 'lib/scan-runner.js']
      .map((f) => fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8')).join('\n');
  });

  it('names no rule: the rules live in the language server', () => {
    const ids = allRules().map((r) => r.id);
    assert.ok(ids.length > 100, `${ids.length} rules`);
    const found = ids.filter((id) => bundle.includes(`"${id}"`) || bundle.includes(`'${id}'`) || bundle.includes(`\`${id}\``));
    assert.deepStrictEqual(found, []);
    // The server bundle, by contrast, has them (the check can see a rule id in a bundle).
    const server = fs.readFileSync(path.join(ROOT, 'dist', 'server.js'), 'utf8');
    assert.ok(server.includes('"docker-root-user"'), 'the server bundle names its rules');
  });

  it('contains neither the parsers nor the analysers\' messages', () => {
    // String literals survive minification (identifiers do not): the parsers' error texts, the
    // Kubernetes and Compose analysers' words.
    const server = fs.readFileSync(path.join(ROOT, 'dist', 'server.js'), 'utf8');
    for (const marker of ['Nested mappings are not allowed in compact mappings', 'Implicit keys need to be on a single line',
      'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'runAsNonRoot', 'hostNetwork', 'cap_add', 'no-install-recommends']) {
      assert.ok(server.includes(marker), `the server bundle has ${JSON.stringify(marker)} (a marker that can be found)`);
      assert.ok(!bundle.includes(marker), `an extension-host bundle contains ${JSON.stringify(marker)}`);
    }
  });

  /**
   * Known exceptions, each with the feature that still reads a file in the host (scripts/build.mjs
   * warns about every such import). Remove an entry when its feature asks the language server.
   */
  const KNOWN: Record<string, string> = {};

  it('loads only the language client, the YAML library and image inspection lazily, never an analyser bundle or the server', () => {
    const lazy = [...new Set([...bundle.matchAll(/require\("(\.\/[^"]+)"\)/g)].map((m) => m[1]))].sort();
    for (const [p, why] of Object.entries(KNOWN)) if (lazy.includes(p)) console.log(`      known exception: ${p}: ${why}`);
    // The groups live in dist/lib/ and name their neighbours ./yaml.js, ./inspect.js.
    const allowed = ['./extension.bundle.js', './lib/images.js', './lib/tools.js', './lib/languageclient.js', './yaml.js', './inspect.js', './scan-core.js', './scan-runner.js'];
    assert.deepStrictEqual(lazy.filter((p) => !allowed.includes(p) && !KNOWN[p]), [], `lazy modules: ${lazy.join(', ')}`);
    assert.ok(lazy.includes('./inspect.js'), `Inspect Image loads the archive reader on first use: ${lazy.join(', ')}`);
    assert.ok(!lazy.some((p) => /core-(dockerfile|kubernetes|compose|github)\.js$/.test(p)), 'no analyser bundle');
    assert.ok(lazy.includes('./lib/languageclient.js'), lazy.join(', '));
    assert.ok(!/require\("[^"]*server\.js"\)/.test(bundle), 'the server runs in its own process');
  });

  it('keeps the image-archive reader (tar-stream) out of the bundle loaded at activation', () => {
    const inspect = fs.readFileSync(path.join(ROOT, 'dist', 'lib', 'inspect.js'), 'utf8');
    const marker = 'Invalid tar header'; // tar-stream's own error text
    assert.ok(inspect.includes(marker), 'dist/lib/inspect.js has the archive reader (a marker that can be found)');
    assert.ok(!bundle.includes(marker), `an extension-host bundle contains ${JSON.stringify(marker)}`);
  });
});
