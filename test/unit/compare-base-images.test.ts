/**
 * "Compare Base Images" outside the editor: the page escapes everything it shows and offers a
 * switch only where one is possible; the server's advice request answers only for Dockerfiles.
 */
import * as assert from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compareHtml, CompareLabels, CompareRow } from '../../src/extension/compare/compareHtml';
import { baseImageAdviceFor, buildInstructionsOf, finalStageFor } from '../../src/server/baseImageRequests';

const LABELS: CompareLabels = {
  title: 'Compare Base Images', image: 'Image', severities: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' },
  other: 'Other', current: 'current base', use: 'Use this base', source: 'source', failed: 'not scanned', multiStage: 'needs a multi-stage build', scanner: 'Scanner', lang: 'en',
};
const counts = { critical: 1, high: 2, medium: 3, low: 4 };

describe('Compare Base Images page', () => {
  it('shows the counts side by side, a Use button only on switchable candidates', () => {
    const rows: CompareRow[] = [
      { reference: 'debian:12', current: true, swappable: false, counts, other: 0 },
      { reference: 'debian:12-slim', current: false, swappable: true, counts: { critical: 0, high: 0, medium: 1, low: 0 }, other: 2, note: 'the same Debian 12', source: 'https://hub.docker.com/_/debian' },
      { reference: 'gcr.io/distroless/base-debian12', current: false, swappable: false, error: 'no scanner' },
    ];
    const html = compareHtml(rows, LABELS, 'trivy', 'abc+/=');
    assert.match(html, /<tr class="current"><th><code>debian:12<\/code><\/th><td class="n critical">1<\/td><td class="n high">2<\/td><td class="n medium">3<\/td><td class="n low">4<\/td><td class="n">0<\/td><td><span class="muted">current base<\/span><\/td><\/tr>/);
    assert.match(html, /<button data-row="1">Use this base<\/button>/);
    assert.ok(!html.includes('data-row="0"') && !html.includes('data-row="2"'));
    assert.match(html, /<td colspan="5" class="muted">not scanned: no scanner<\/td><td><span class="muted">needs a multi-stage build<\/span><\/td>/);
    assert.match(html, /<a href="https:\/\/hub\.docker\.com\/_\/debian">source<\/a>/);
    assert.match(html, /content="default-src 'none'; style-src 'nonce-abc\+\/='; script-src 'nonce-abc\+\/=';"/);
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(compareHtml(rows, { ...LABELS, lang: 'zh-CN' }, 'trivy', 'n'), /^<!DOCTYPE html>\n<html lang="zh-CN">/);
    assert.match(compareHtml(rows, { ...LABELS, lang: '"><script>' }, 'trivy', 'n'), /^<!DOCTYPE html>\n<html lang="&quot;&gt;&lt;script&gt;">/);
  });

  it('escapes what comes from outside and drops non-http links; a hostile nonce cannot break out', () => {
    const rows: CompareRow[] = [{ reference: '<img src=x onerror=alert(1)>', current: false, swappable: false, note: '"><script>x</script>', source: 'javascript:alert(1)', error: '<b>boom</b>' }];
    const html = compareHtml(rows, LABELS, '<trivy>', '"><script>');
    assert.ok(!html.includes('<img'), html);
    assert.ok(!html.includes('<script>x'), html);
    assert.ok(!html.includes('javascript:'), html);
    assert.ok(html.includes('&lt;b&gt;boom&lt;/b&gt;'));
    assert.ok(html.includes('Scanner: &lt;trivy&gt;'));
    assert.ok(html.includes("'nonce-script'"), 'the nonce keeps only base64 characters');
  });
});

describe('language server: shipshape/baseImageAdvice', () => {
  const doc = (text: string) => TextDocument.create('file:///w/Dockerfile', 'dockerfile', 1, text);
  it('answers the FROM at a position or every shipped FROM, and nothing for another kind or a missing document', () => {
    const text = 'FROM golang:1.22 AS build\nRUN go build\nFROM debian:12\nCOPY --from=build /app /app\n';
    assert.deepStrictEqual(baseImageAdviceFor(doc(text), 'dockerfile', { textDocument: { uri: 'x' } }).map((a) => a.image), ['debian:12']);
    assert.deepStrictEqual(baseImageAdviceFor(doc(text), 'dockerfile', { textDocument: { uri: 'x' }, position: { line: 2, character: 7 } }).map((a) => a.stage), [1]);
    assert.deepStrictEqual(baseImageAdviceFor(doc(text), 'dockerfile', { textDocument: { uri: 'x' }, position: { line: 1, character: 2 } }), []);
    assert.deepStrictEqual(baseImageAdviceFor(doc(text), 'kubernetes', { textDocument: { uri: 'x' } }), []);
    assert.deepStrictEqual(baseImageAdviceFor(undefined, undefined, { textDocument: { uri: 'x' } }), []);
  });

  it('shipshape/finalStageFrom: the final FROM whatever its base (scratch, a stage), across continuations; null otherwise', () => {
    assert.deepStrictEqual(finalStageFor(doc('FROM golang:1.22 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /app /app\n'), 'dockerfile'), { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 12 } } });
    assert.deepStrictEqual(finalStageFor(doc('FROM node:20 AS base\nFROM \\\n  base\n'), 'dockerfile'), { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 6 } } });
    assert.strictEqual(finalStageFor(doc('# no instructions\n'), 'dockerfile'), null);
    assert.strictEqual(finalStageFor(doc('FROM scratch\n'), 'kubernetes'), null);
    assert.strictEqual(finalStageFor(undefined, undefined), null);
  });

  it('shipshape/buildInstructions: the final image\'s instructions with their lines, [] for anything else', () => {
    assert.deepStrictEqual(buildInstructionsOf('FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.19\nCOPY --from=build /app /app\nUSER 65532\n'), [{ keyword: 'COPY', line: 4 }, { keyword: 'USER', line: 5 }]);
    assert.deepStrictEqual(buildInstructionsOf(42), []);
    assert.deepStrictEqual(buildInstructionsOf('\u0000\u0001binary'), []);
  });
});
