// The parts of the editor's signing commands that need no VS Code: what is made of typed input,
// and the .gitignore reading behind "your new private key is not ignored".
import * as assert from 'assert';
import { annotationsFromArgument, displayCommand, parseAnnotationList, referenceFromArgument, signatureStatusKey } from '../../src/extension/signing/inputs';
import { appendGitignoreEntry, gitignoreEntryFor, isIgnoredByGitignore } from '../../src/core/signing/gitignore';
import { SigningInputError } from '../../src/core/signing';

const root = (text: string) => [{ directory: '', text }];

describe('signing in the editor: typed annotations', () => {
  it('reads key=value pairs separated by commas and spaces', () => {
    assert.deepStrictEqual(parseAnnotationList('commit=3f2a9c1, pipeline=release  env=prod'), { commit: '3f2a9c1', pipeline: 'release', env: 'prod' });
  });

  it('reads nothing from an empty box', () => {
    assert.deepStrictEqual(parseAnnotationList('  '), {});
  });

  it('keeps an = inside the value', () => {
    assert.deepStrictEqual(parseAnnotationList('query=a=b'), { query: 'a=b' });
  });

  it('refuses a pair without a key', () => {
    assert.throws(() => parseAnnotationList('=value'), SigningInputError);
    assert.throws(() => parseAnnotationList('novalue'), SigningInputError);
  });

  it('refuses an option-like key, so nothing typed becomes a cosign flag', () => {
    assert.throws(() => parseAnnotationList('--key=/etc/passwd'), SigningInputError);
  });

  it('accepts annotations given to the command as a record, a list or a string', () => {
    assert.deepStrictEqual(annotationsFromArgument({ a: '1', b: 2 }), { a: '1' });
    assert.deepStrictEqual(annotationsFromArgument(['a=1', 'b=2']), { a: '1', b: '2' });
    assert.deepStrictEqual(annotationsFromArgument('a=1'), { a: '1' });
    assert.strictEqual(annotationsFromArgument(undefined), undefined);
  });
});

describe('signing in the editor: the image a command was invoked on', () => {
  it('reads a plain string, { reference } and { image }', () => {
    assert.strictEqual(referenceFromArgument('nginx:1.25'), 'nginx:1.25');
    assert.strictEqual(referenceFromArgument({ reference: 'nginx:1.25', keyPath: 'k' }), 'nginx:1.25');
    assert.strictEqual(referenceFromArgument({ image: 'nginx:1.25' }), 'nginx:1.25');
  });

  it('reads the reference of a findings-tree image node', () => {
    assert.strictEqual(referenceFromArgument({ kind: 'image', image: { report: { image: { reference: 'ghcr.io/acme/app:1' } } } }), 'ghcr.io/acme/app:1');
    assert.strictEqual(referenceFromArgument({ image: { reference: 'ghcr.io/acme/app:1' } }), 'ghcr.io/acme/app:1');
  });

  it('finds nothing in anything else, so the command asks', () => {
    assert.strictEqual(referenceFromArgument(undefined), undefined);
    assert.strictEqual(referenceFromArgument({ kind: 'vuln' }), undefined);
    assert.strictEqual(referenceFromArgument({ reference: 42 }), undefined);
  });
});

describe('signing in the editor: the logged command line', () => {
  it('quotes arguments with spaces or quotes and leaves plain ones alone', () => {
    assert.strictEqual(
      displayCommand('cosign', ['sign', '--key', '/keys/my key.key', '-a', 'note=it\'s', 'app@sha256:00']),
      'cosign sign --key "/keys/my key.key" -a "note=it\'s" app@sha256:00',
    );
  });

  it('shows an empty argument as ""', () => {
    assert.strictEqual(displayCommand('cosign', ['']), 'cosign ""');
  });
});

describe('signing in the editor: one status per image, however it is spelled', () => {
  it('treats Docker Hub short names, docker.io and index.docker.io alike', () => {
    const key = signatureStatusKey('nginx:1.25');
    assert.strictEqual(signatureStatusKey('docker.io/library/nginx:1.25'), key);
    assert.strictEqual(signatureStatusKey('index.docker.io/library/nginx:1.25'), key);
  });

  it('treats a bare name as :latest', () => {
    assert.strictEqual(signatureStatusKey('nginx'), signatureStatusKey('nginx:latest'));
  });

  it('keeps different tags, digests and registries apart', () => {
    assert.notStrictEqual(signatureStatusKey('nginx:1.25'), signatureStatusKey('nginx:1.26'));
    assert.notStrictEqual(signatureStatusKey('ghcr.io/acme/app:1'), signatureStatusKey('quay.io/acme/app:1'));
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.notStrictEqual(signatureStatusKey(`ghcr.io/acme/app@${digest}`), signatureStatusKey('ghcr.io/acme/app:1'));
    assert.strictEqual(signatureStatusKey(`ghcr.io/acme/app@${digest.toUpperCase().replace('SHA256', 'sha256')}`), signatureStatusKey(`ghcr.io/acme/app@${digest}`));
  });

  it('keys an unparsable reference as itself', () => {
    assert.strictEqual(signatureStatusKey('not a ref'), 'not a ref');
  });
});

describe('signing in the editor: is the new private key git-ignored?', () => {
  it('is not ignored without any .gitignore', () => {
    assert.strictEqual(isIgnoredByGitignore([], 'keys/cosign.key'), false);
  });

  it('is ignored by a bare file name at any depth', () => {
    assert.strictEqual(isIgnoredByGitignore(root('cosign.key\n'), 'keys/cosign.key'), true);
    assert.strictEqual(isIgnoredByGitignore(root('cosign.key\n'), 'cosign.key'), true);
  });

  it('is ignored by an extension glob', () => {
    assert.strictEqual(isIgnoredByGitignore(root('*.key\n'), 'deploy/keys/cosign.key'), true);
  });

  it('is not ignored by a pattern for another file', () => {
    assert.strictEqual(isIgnoredByGitignore(root('*.pem\nnode_modules/\n# cosign.key\n'), 'cosign.key'), false);
  });

  it('honours anchoring: /cosign.key only covers the root', () => {
    assert.strictEqual(isIgnoredByGitignore(root('/cosign.key\n'), 'cosign.key'), true);
    assert.strictEqual(isIgnoredByGitignore(root('/cosign.key\n'), 'keys/cosign.key'), false);
  });

  it('is ignored when its directory is ignored, and a later negation cannot re-include it', () => {
    assert.strictEqual(isIgnoredByGitignore(root('secrets/\n'), 'secrets/cosign.key'), true);
    assert.strictEqual(isIgnoredByGitignore(root('secrets/\n!secrets/cosign.key\n'), 'secrets/cosign.key'), true);
  });

  it('does not treat a directory-only pattern as matching a file of that name', () => {
    assert.strictEqual(isIgnoredByGitignore(root('cosign.key/\n'), 'cosign.key'), false);
  });

  it('lets the last matching line win', () => {
    assert.strictEqual(isIgnoredByGitignore(root('*.key\n!cosign.key\n'), 'cosign.key'), false);
    assert.strictEqual(isIgnoredByGitignore(root('!cosign.key\n*.key\n'), 'cosign.key'), true);
  });

  it('understands ** in anchored patterns', () => {
    assert.strictEqual(isIgnoredByGitignore(root('deploy/**/*.key\n'), 'deploy/prod/eu/cosign.key'), true);
    assert.strictEqual(isIgnoredByGitignore(root('deploy/**/*.key\n'), 'other/cosign.key'), false);
  });

  it('lets a deeper .gitignore override the root one, relative to its own folder', () => {
    const files = [
      { directory: '', text: '*.key\n' },
      { directory: 'keys', text: '!cosign.key\n' },
    ];
    assert.strictEqual(isIgnoredByGitignore(files, 'keys/cosign.key'), false);
    assert.strictEqual(isIgnoredByGitignore([{ directory: 'keys', text: '/cosign.key\n' }], 'keys/cosign.key'), true);
    assert.strictEqual(isIgnoredByGitignore([{ directory: 'keys', text: '/cosign.key\n' }], 'cosign.key'), false);
  });

  it('reads CRLF files and trailing spaces', () => {
    assert.strictEqual(isIgnoredByGitignore(root('# keys\r\ncosign.key   \r\n'), 'cosign.key'), true);
  });
});

describe('signing in the editor: adding the key to .gitignore', () => {
  it('writes an anchored entry that ignores exactly that file', () => {
    const entry = gitignoreEntryFor('keys/cosign.key');
    assert.strictEqual(entry, '/keys/cosign.key');
    assert.strictEqual(isIgnoredByGitignore(root(entry), 'keys/cosign.key'), true);
    assert.strictEqual(isIgnoredByGitignore(root(entry), 'other/keys/cosign.key'), false);
  });

  it('escapes glob characters in the file name', () => {
    const entry = gitignoreEntryFor('keys/[prod]*.key');
    assert.strictEqual(entry, '/keys/\\[prod\\]\\*.key');
  });

  it('creates the text of a new .gitignore', () => {
    assert.strictEqual(appendGitignoreEntry('', '/cosign.key'), '# cosign private key (added by Shipshape)\n/cosign.key\n');
  });

  it('appends after a blank line, keeping the existing content and line ending', () => {
    assert.strictEqual(appendGitignoreEntry('node_modules/\r\n', '/cosign.key'), 'node_modules/\r\n\r\n# cosign private key (added by Shipshape)\r\n/cosign.key\r\n');
    assert.strictEqual(appendGitignoreEntry('dist', '/cosign.key'), 'dist\n\n# cosign private key (added by Shipshape)\n/cosign.key\n');
  });

  it('does not add an entry twice', () => {
    const once = appendGitignoreEntry('dist/\n', '/cosign.key');
    assert.strictEqual(appendGitignoreEntry(once, '/cosign.key'), once);
  });
});
