/** The editor's Dockerfile glob names exactly the files the core reads as Dockerfiles. */
import * as assert from 'assert';
import picomatch from 'picomatch';
import { detectFileKind, DOCKERFILE_NAME_GROUP } from '../../src/core/fileKind';

describe('DOCKERFILE_NAME_GROUP (the editor\'s selector and workspace check)', () => {
  const matches = picomatch(`**/${DOCKERFILE_NAME_GROUP}`);
  it('matches every name detectFileKind reads as a Dockerfile, and none it does not', () => {
    const dockerfiles = ['Dockerfile', 'Dockerfile-prod', 'Dockerfile.alpine', 'App.Dockerfile', 'api.dockerfile', 'Containerfile', 'Containerfile-ubi', 'Containerfile.webhook', 'x.containerfile', 'X.Containerfile'];
    for (const name of dockerfiles) {
      assert.strictEqual(detectFileKind(`/w/build/${name}`), 'dockerfile', name);
      assert.ok(matches(`w/build/${name}`), `the glob matches ${name}`);
    }
    for (const name of ['Dockerfiles', 'notes.md', 'values.yaml']) {
      assert.notStrictEqual(detectFileKind(`/w/${name}`), 'dockerfile', name);
      assert.ok(!matches(`w/${name}`), `the glob does not match ${name}`);
    }
  });
});
