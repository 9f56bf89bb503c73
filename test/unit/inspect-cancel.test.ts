/** Inspecting an archive stops when its signal aborts (the editor's Cancel): the file is not read to its end. */
import * as assert from 'assert';
import * as fs from 'fs';
import { ImageAnalyzer } from '../../src/core/inspect/analyzer';
import type { LayerEntry } from '../../src/core/inspect/types';
import { ArchiveError, inspectArchive } from '../../src/node/inspect';
import { readArchiveLayers, readArchiveStructure } from '../../src/node/inspect/archive';
import { dockerArchive, tempDir } from './inspect-support';

describe('inspect: cancellation', () => {
  let dir: string;
  let file: string;
  const FILES = 3000;
  before(async () => {
    dir = tempDir();
    const many = Array.from({ length: FILES }, (_, i) => ({ name: `data/f${i}`, content: 'x' }));
    file = await dockerArchive(dir, [{ files: many }, { files: many.map((f) => ({ ...f, name: `more/${f.name}` })) }]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an aborted signal refuses before reading (CANCELLED)', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(inspectArchive(file, { label: 'x', signal: abort.signal }), (e: unknown) => e instanceof ArchiveError && e.code === 'CANCELLED');
  });

  it('aborting while the layers are read stops within the layer (CANCELLED), not after the archive', async () => {
    const abort = new AbortController();
    let seen = 0;
    class Aborting extends ImageAnalyzer {
      override add(entry: LayerEntry): number {
        seen++;
        if (seen === 10) abort.abort();
        return super.add(entry);
      }
    }
    const image = await readArchiveStructure(file);
    await assert.rejects(readArchiveLayers(file, image, new Aborting(), undefined, abort.signal), (e: unknown) => e instanceof ArchiveError && e.code === 'CANCELLED');
    assert.ok(seen < FILES, `read ${seen} entries of ${2 * FILES}`);
  });

  it('without a signal the same archive is read whole', async () => {
    const r = await inspectArchive(file, { label: 'x' });
    assert.strictEqual(r.layers.length, 2);
  });
});
