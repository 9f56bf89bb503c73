import * as assert from 'assert';
import { findImageReferences, imageKey } from '../../src/core/imageReferences';

/** The text each reference's range covers, to prove the ranges point at the image and not elsewhere. */
function covered(text: string, r: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }): string {
  const lines = text.split('\n');
  assert.strictEqual(r.range.start.line, r.range.end.line, 'an image reference stays on one line');
  return lines[r.range.start.line].slice(r.range.start.character, r.range.end.character);
}

describe('findImageReferences: Dockerfile FROM', () => {
  it('finds the image of every FROM with the range of the image text', () => {
    const text = 'FROM node:20-alpine AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs20\nCOPY --from=build /app /app\n';
    const refs = findImageReferences(text, 'dockerfile');
    assert.deepStrictEqual(refs.map((r) => r.reference), ['node:20-alpine', 'gcr.io/distroless/nodejs20']);
    assert.deepStrictEqual(refs.map((r) => covered(text, r)), ['node:20-alpine', 'gcr.io/distroless/nodejs20']);
    assert.deepStrictEqual(refs.map((r) => r.range.start.line), [0, 2]);
  });

  it('resolves global ARG defaults in the image name but keeps the range of what is written', () => {
    const text = 'ARG BASE=alpine\nARG TAG=3.19\nFROM ${BASE}:${TAG}\n';
    const refs = findImageReferences(text, 'dockerfile');
    assert.deepStrictEqual(refs.map((r) => r.reference), ['alpine:3.19']);
    assert.strictEqual(covered(text, refs[0]), '${BASE}:${TAG}');
  });

  it('skips stage aliases, scratch and unresolved variables', () => {
    const text = [
      'ARG UNSET',
      'FROM golang:1.22 AS builder',
      'FROM builder AS tested',
      'FROM scratch',
      'FROM ${UNSET}',
      'FROM debian:${UNSET}',
      'FROM TESTED',
      '',
    ].join('\n');
    assert.deepStrictEqual(findImageReferences(text, 'dockerfile').map((r) => r.reference), ['golang:1.22']);
  });

  it('keeps a digest-pinned reference whole', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const refs = findImageReferences(`FROM --platform=linux/amd64 alpine:3.19@${digest}\n`, 'dockerfile');
    assert.deepStrictEqual(refs.map((r) => r.reference), [`alpine:3.19@${digest}`]);
  });

  it('returns nothing for an empty Dockerfile', () => {
    assert.deepStrictEqual(findImageReferences('', 'dockerfile'), []);
    assert.deepStrictEqual(findImageReferences('# just a comment\n', 'dockerfile'), []);
  });
});

describe('findImageReferences: Kubernetes image:', () => {
  it('finds containers and init containers of every document of a multi-document manifest', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: migrate',
      '          image: "ghcr.io/acme/migrate:1.2"',
      '      containers:',
      '        - name: web',
      '          image: nginx:1.25',
      '        - name: sidecar',
      '          image: envoyproxy/envoy:v1.30.0',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: debug}',
      'spec:',
      '  containers:',
      '    - name: shell',
      '      image: busybox',
      '',
    ].join('\n');
    const refs = findImageReferences(text, 'kubernetes');
    assert.deepStrictEqual(refs.map((r) => r.reference).sort(), ['busybox', 'envoyproxy/envoy:v1.30.0', 'ghcr.io/acme/migrate:1.2', 'nginx:1.25']);
    const byRef = new Map(refs.map((r) => [r.reference, r]));
    assert.strictEqual(byRef.get('nginx:1.25')!.range.start.line, 11);
    assert.strictEqual(covered(text, byRef.get('nginx:1.25')!), 'nginx:1.25');
    assert.strictEqual(covered(text, byRef.get('ghcr.io/acme/migrate:1.2')!), '"ghcr.io/acme/migrate:1.2"');
    assert.strictEqual(byRef.get('busybox')!.range.start.line, 21);
  });

  it('finds the containers of a CronJob job template', () => {
    const text = [
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata: {name: nightly}',
      'spec:',
      '  schedule: "0 3 * * *"',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      '            - name: report',
      '              image: python:3.12-slim',
      '          restartPolicy: OnFailure',
      '',
    ].join('\n');
    const refs = findImageReferences(text, 'kubernetes');
    assert.deepStrictEqual(refs.map((r) => [r.reference, r.range.start.line]), [['python:3.12-slim', 11]]);
  });

  it('ignores image keys outside containers, non-string images and YAML that is not Kubernetes', () => {
    const notKube = 'services:\n  web:\n    image: nginx:1.25\n';
    assert.deepStrictEqual(findImageReferences(notKube, 'kubernetes'), []);
    const odd = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: x, annotations: {image: "not-this:1"}}',
      'spec:',
      '  containers:',
      '    - name: a',
      '      image: 42',
      '    - name: b',
      '      image: ""',
      '',
    ].join('\n');
    assert.deepStrictEqual(findImageReferences(odd, 'kubernetes'), []);
  });

  it('returns nothing for a Helm template', () => {
    const helm = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: {{ .Values.image }}\n';
    assert.deepStrictEqual(findImageReferences(helm, 'kubernetes'), []);
  });
});

describe('imageKey', () => {
  it('gives Docker Hub spellings of one image the same key', () => {
    const keys = ['alpine', 'alpine:latest', 'docker.io/library/alpine', 'docker.io/library/alpine:latest', 'index.docker.io/library/alpine'].map(imageKey);
    assert.strictEqual(new Set(keys).size, 1, keys.join(' | '));
  });

  it('keeps different tags, registries and digests apart', () => {
    assert.notStrictEqual(imageKey('alpine:3.19'), imageKey('alpine:3.20'));
    assert.notStrictEqual(imageKey('ghcr.io/acme/app:1'), imageKey('acme/app:1'));
    const d = `sha256:${'b'.repeat(64)}`;
    assert.notStrictEqual(imageKey(`alpine@${d}`), imageKey('alpine'));
    assert.strictEqual(imageKey(`alpine@${d}`), imageKey(`docker.io/library/alpine@${d.toUpperCase().replace('SHA256', 'sha256')}`));
  });

  it('returns text that is not a reference unchanged (trimmed)', () => {
    assert.strictEqual(imageKey(' not a ref '), 'not a ref');
  });
});
