import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { formatSize, parseDockerImages, parseDockerTime, parsePodmanImages, parseSize } from '../../src/core/scan';
import { validateImageRef } from '../../src/core/imageRef';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/scanners');
const read = (rel: string): string => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

describe('local images: docker image ls --format {{json .}}', () => {
  it('reads the documented output: repo:tag references, sizes and creation times', () => {
    const images = parseDockerImages(read('docker-cli/docker-images.format-json.jsonl'));
    assert.deepStrictEqual(images.map((i) => [i.reference, i.id, i.sizeText, i.sizeBytes, i.createdAt, i.createdSince]), [
      ['ubuntu:latest', '4dd97cefde62', '72.9MB', 72_900_000, '2021-03-04T02:24:42.000Z', '5 days ago'],
      ['alpine:latest', '28f6e2705743', '5.61MB', 5_610_000, '2021-02-17T21:19:54.000Z', '2 weeks ago'],
    ]);
    assert.ok(images.every((i) => i.digest === undefined && i.source === 'docker'));
  });

  it('uses the id for <none>:<none>, repo@digest for an untagged digest, and skips unreadable lines', () => {
    const images = parseDockerImages(read('docker-cli/synthetic-none.jsonl'));
    assert.deepStrictEqual(images.map((i) => [i.reference, i.repository, i.tag]), [
      ['a1b2c3d4e5f6', undefined, undefined],
      ['ghcr.io/acme/web@sha256:4c2bf2a5a5e6f0c1d2b3a4958677a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5', 'ghcr.io/acme/web', undefined],
      ['localhost:5000/team/api:1.4.2', 'localhost:5000/team/api', '1.4.2'],
    ]);
    assert.strictEqual(images[0].sizeBytes, 1_200_000_000);
    assert.strictEqual(images[1].createdAt, '2024-05-01T15:00:00.000Z');
    // Every reference offered to the user can be scanned.
    for (const i of images) assert.strictEqual(validateImageRef(i.reference), undefined, i.reference);
  });

  it('returns nothing for empty output', () => {
    assert.deepStrictEqual(parseDockerImages(''), []);
  });
});

describe('local images: podman images --format json', () => {
  const images = parsePodmanImages(read('podman/synthetic-images.json'));

  it('lists one entry per name, and the short id for an image without names', () => {
    assert.deepStrictEqual(images.map((i) => [i.reference, i.tag, i.id]), [
      ['docker.io/library/alpine:3.18', '3.18', '8ca4688f4f35'],
      ['docker.io/library/alpine:latest', 'latest', '8ca4688f4f35'],
      ['localhost:5000/team/api:1.4.2', '1.4.2', 'b1ee8b4d53bc'],
      ['3f5ef9003cef', undefined, '3f5ef9003cef'],
    ]);
    for (const i of images) assert.strictEqual(validateImageRef(i.reference), undefined, i.reference);
  });

  it('keeps sizes (formatted like Docker) and creation times for display', () => {
    assert.strictEqual(images[0].sizeBytes, 7671913);
    assert.strictEqual(images[0].sizeText, '7.67MB');
    assert.strictEqual(images[0].createdAt, '2023-10-04T20:52:00Z');
    assert.strictEqual(images[2].sizeText, '187MB');
    assert.ok(images.every((i) => i.source === 'podman'));
  });

  it('returns nothing for non-JSON or a non-array', () => {
    assert.deepStrictEqual(parsePodmanImages('Error: cannot connect'), []);
    assert.deepStrictEqual(parsePodmanImages('{}'), []);
  });
});

describe('size and time helpers', () => {
  it('parses and formats sizes in Docker\'s decimal units', () => {
    assert.strictEqual(parseSize('5.61MB'), 5_610_000);
    assert.strictEqual(parseSize('1.2GB'), 1_200_000_000);
    assert.strictEqual(parseSize('512B'), 512);
    assert.strictEqual(parseSize('N/A'), undefined);
    assert.strictEqual(formatSize(999), '999B');
    assert.strictEqual(formatSize(1_234_567_890), '1.23GB');
  });

  it('reads Docker\'s time format and rejects anything else', () => {
    assert.strictEqual(parseDockerTime('2021-03-04 03:24:42 +0100 CET'), '2021-03-04T02:24:42.000Z');
    assert.strictEqual(parseDockerTime('5 days ago'), undefined);
  });
});
