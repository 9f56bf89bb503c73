/**
 * Reads a `docker save` tarball or an OCI image layout tarball, streamed: the outer tar is read
 * entry by entry, each layer is decompressed and its tar read entry by entry, and only metadata
 * (plus a few small files, capped) reaches the analyzer. Nothing is written to disk.
 *
 * The first pass reads the small JSON documents (manifest.json, index.json, manifests, configs)
 * and skips everything else; the layers are read in a second pass, in the manifest's order (a
 * further pass only when the tar stores them in another order).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { ImageAnalyzer } from '../../core/inspect/analyzer';
import type { HistoryEntry } from '../../core/inspect/historyMatch';
import { LayerEntry } from '../../core/inspect/types';
import { frag, LocalizedError, Text } from '../../core/l10n/text';

/** Why an archive could not be read. `UNSUPPORTED`: a format we do not read (zstd layers); `CANCELLED`: the caller's signal. */
export class ArchiveError extends LocalizedError {
  constructor(readonly code: 'UNSUPPORTED' | 'INVALID' | 'IO' | 'CANCELLED', message: string | Text) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** Largest JSON document (manifest, index, config) read from an archive. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Most layers an image may have (Docker's limit is 127; OCI sets none). */
export const MAX_LAYERS = 1000;
/** Most bytes of JSON documents kept from one archive (a hostile one could hold thousands). */
export const MAX_TOTAL_JSON_BYTES = 64 * 1024 * 1024;
/** Most entries read from all layers together: each costs a few hundred bytes of metadata. */
export const MAX_ENTRIES = 3_000_000;

export interface ArchiveLayer {
  /** Entry name of the layer blob in the archive. */
  entry: string;
  digest: string;
  /** Bytes of file content (uncompressed), filled in while reading. */
  size: number;
  mediaType?: string;
}

export interface ArchiveImage {
  format: 'docker-archive' | 'oci-layout';
  layers: ArchiveLayer[];
  history: HistoryEntry[];
  repoTags: string[];
}

/** An entry of tar-stream's extract (its own typings do not export the type). */
interface TarEntry extends AsyncIterable<unknown> {
  header: tar.Header;
  resume(): unknown;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(buf: Uint8Array, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

/** Normalised entry name of the outer tar (`./manifest.json` → `manifest.json`). */
function outerName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** The archive file as a stream of tar bytes (a gzipped `docker save | gzip` is read too). */
async function openTar(file: string): Promise<Readable> {
  const head = Buffer.alloc(4);
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    throw new ArchiveError('IO', frag('files.problem', '{file}: {reason}', { file, reason: String((e as NodeJS.ErrnoException).code ?? (e as Error).message) }));
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ArchiveError('IO', frag('archive.not-regular', '{file}: not a regular file', { file }));
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (startsWith(head, ZSTD)) throw new ArchiveError('UNSUPPORTED', frag('archive.zstd', '{file} is zstd-compressed, which Shipshape cannot read yet; decompress it first (zstd -d) or save it uncompressed', { file }));
  const raw = createReadStream(file);
  return startsWith(head, GZIP) ? raw.pipe(createGunzip()) : raw;
}

function cancelled(file: string): ArchiveError {
  return new ArchiveError('CANCELLED', frag('archive.cancelled', '{file}: reading cancelled', { file }));
}

/**
 * Runs `onEntry` for each entry of the archive's outer tar; an entry the callback does not drain
 * is skipped. An aborted `signal` stops the read (the file is closed) with a CANCELLED error.
 */
async function eachOuterEntry(file: string, onEntry: (name: string, entry: TarEntry) => Promise<void>, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw cancelled(file);
  const source = await openTar(file);
  const extract = tar.extract();
  const onAbort = (): void => { source.destroy(cancelled(file)); };
  signal?.addEventListener('abort', onAbort, { once: true });
  const piping = pipeline(source, extract).catch((e: Error) => {
    if (signal?.aborted) throw cancelled(file);
    throw new ArchiveError('INVALID', frag('archive.not-tar', '{file}: not a readable tar archive ({reason})', { file, reason: e.message }));
  });
  const consuming = (async () => {
    for await (const entry of extract) {
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') await onEntry(outerName(entry.header.name), entry);
      entry.resume();
    }
  })();
  await Promise.all([consuming, piping]).catch((e: unknown) => {
    // Stop reading the file: nothing more is wanted from it.
    source.destroy();
    extract.destroy();
    // A layer cut short by the cancellation fails in its own words: the cancellation is the cause.
    if (signal?.aborted) throw cancelled(file);
    throw e instanceof ArchiveError ? e : new ArchiveError('INVALID', frag('archive.not-tar', '{file}: not a readable tar archive ({reason})', { file, reason: (e as Error).message }));
  }).finally(() => signal?.removeEventListener('abort', onAbort));
}

/** The entry's bytes when it is a JSON document of at most `max` bytes; other entries are drained, never kept. */
async function readSmall(entry: TarEntry, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let n = 0;
  let keep = true;
  // Never leave the loop early: stopping the iterator would destroy the entry and the archive's stream.
  for await (const c of entry) {
    const b = c as Buffer;
    if (n === 0 && !/^\s*[[{]/.test(b.subarray(0, 16).toString('latin1'))) keep = false;
    n += b.length;
    if (n > max) keep = false;
    if (keep) chunks.push(b);
    else chunks.length = 0;
  }
  return keep ? Buffer.concat(chunks) : undefined;
}

function parseJson(buf: Buffer | undefined): unknown {
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function blobPath(digest: string): string | undefined {
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  return m ? `blobs/${m[1]}/${m[2]}` : undefined;
}

function historyOf(config: unknown): HistoryEntry[] {
  if (!isObj(config) || !Array.isArray(config.history)) return [];
  return config.history.filter(isObj).map((h) => ({ createdBy: str(h.created_by), emptyLayer: h.empty_layer === true }));
}

function diffIds(config: unknown): string[] {
  if (!isObj(config) || !isObj(config.rootfs) || !Array.isArray(config.rootfs.diff_ids)) return [];
  return config.rootfs.diff_ids.filter((d): d is string => typeof d === 'string');
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** Picks the image manifest of an index: linux/amd64 when the index names platforms, else the first that is not an attestation. */
function pickManifest(index: unknown): Json | undefined {
  if (!isObj(index) || !Array.isArray(index.manifests)) return undefined;
  const list = index.manifests.filter(isObj).filter((m) => !(isObj(m.annotations) && m.annotations['vnd.docker.reference.type'] === 'attestation-manifest'));
  const amd = list.find((m) => isObj(m.platform) && m.platform.os === 'linux' && m.platform.architecture === 'amd64');
  return amd ?? list[0];
}

/** Reads the archive's structure (first pass). */
export async function readArchiveStructure(file: string, signal?: AbortSignal): Promise<ArchiveImage> {
  const docs = new Map<string, unknown>();
  let entries = 0;
  let jsonBytes = 0;
  await eachOuterEntry(file, async (name, entry) => {
    entries++;
    const size = entry.header.size ?? 0;
    const interesting = name === 'manifest.json' || name === 'index.json' || name.endsWith('.json') || name.startsWith('blobs/');
    if (!interesting || size > MAX_JSON_BYTES) return;
    const bytes = await readSmall(entry, MAX_JSON_BYTES);
    if (!bytes) return;
    jsonBytes += bytes.length;
    if (jsonBytes > MAX_TOTAL_JSON_BYTES) throw new ArchiveError('INVALID', frag('archive.json-limit', '{file}: more than {max} MiB of JSON documents, not an image archive Shipshape reads', { file, max: MAX_TOTAL_JSON_BYTES / (1024 * 1024) }));
    const doc = parseJson(bytes);
    if (doc !== undefined) docs.set(name, doc);
  }, signal);
  if (entries === 0) throw new ArchiveError('INVALID', frag('archive.empty', '{file}: an empty archive, not an image', { file }));

  const manifest = docs.get('manifest.json');
  if (Array.isArray(manifest) && isObj(manifest[0])) {
    // docker save: [{Config, RepoTags, Layers}]; only the first image of a multi-image archive is read.
    const m = manifest[0];
    const configName = str(m.Config);
    const config = configName ? docs.get(outerName(configName)) : undefined;
    const layerNames = Array.isArray(m.Layers) ? m.Layers.filter((l): l is string => typeof l === 'string').map(outerName) : [];
    if (!layerNames.length) throw new ArchiveError('INVALID', frag('archive.manifest-no-layers', '{file}: manifest.json lists no layers', { file }));
    const ids = diffIds(config);
    const layers = layerNames.map((entryName, i) => {
      const blob = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(entryName);
      return { entry: entryName, digest: blob ? `${blob[1]}:${blob[2]}` : ids[i] ?? entryName, size: 0 };
    });
    const repoTags = Array.isArray(m.RepoTags) ? m.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return checkCount(file, { format: 'docker-archive', layers, history: historyOf(config), repoTags });
  }

  let node: unknown = docs.get('index.json');
  if (!isObj(node)) throw new ArchiveError('INVALID', frag('archive.not-image', '{file}: neither a docker save archive (manifest.json) nor an OCI image layout (index.json)', { file }));
  // An index may name another index (multi-platform); follow a few levels at most.
  for (let depth = 0; depth < 4; depth++) {
    const desc = pickManifest(node);
    const digest = desc && str(desc.digest);
    const p = digest && blobPath(digest);
    const doc = p ? docs.get(p) : undefined;
    if (!isObj(doc)) throw new ArchiveError('INVALID', frag('archive.missing-manifest', '{file}: the OCI index names a manifest ({digest}) the archive does not hold', { file, digest: digest ?? 'none' }));
    const type = str(doc.mediaType) ?? str(desc?.mediaType);
    if ((type && INDEX_TYPES.has(type)) || Array.isArray(doc.manifests)) {
      node = doc;
      continue;
    }
    const configDigest = isObj(doc.config) ? str(doc.config.digest) : undefined;
    const configPath = configDigest && blobPath(configDigest);
    const config = configPath ? docs.get(configPath) : undefined;
    const layers: ArchiveLayer[] = [];
    for (const l of Array.isArray(doc.layers) ? doc.layers.filter(isObj) : []) {
      const d = str(l.digest);
      const lp = d && blobPath(d);
      if (!d || !lp) throw new ArchiveError('INVALID', frag('archive.layer-digest', '{file}: a layer of the manifest has no valid digest', { file }));
      const mediaType = str(l.mediaType);
      if (mediaType && /zstd/.test(mediaType)) {
        throw new ArchiveError('UNSUPPORTED', frag('archive.layer-zstd-media', 'layer {index} ({digest}) is zstd-compressed ({mediaType}), which Shipshape cannot read yet; save the image with gzip layers (docker save from the classic image store, or skopeo copy --dest-compress-format gzip)', { index: layers.length + 1, digest: d, mediaType: String(mediaType) }));
      }
      layers.push({ entry: lp, digest: d, size: 0, mediaType });
    }
    if (!layers.length) throw new ArchiveError('INVALID', frag('archive.image-no-layers', '{file}: the image manifest lists no layers', { file }));
    const annotations = isObj(desc?.annotations) ? desc!.annotations as Json : {};
    const name = str(annotations['io.containerd.image.name']) ?? str(annotations['org.opencontainers.image.ref.name']);
    return checkCount(file, { format: 'oci-layout', layers, history: historyOf(config), repoTags: name ? [name] : [] });
  }
  throw new ArchiveError('INVALID', frag('archive.nested', '{file}: the OCI index nests too deeply', { file }));
}

function checkCount(file: string, image: ArchiveImage): ArchiveImage {
  if (image.layers.length > MAX_LAYERS) throw new ArchiveError('INVALID', frag('archive.too-many-layers', '{file}: {n} layers, more than the {max} Shipshape reads', { file, n: image.layers.length, max: MAX_LAYERS }));
  return image;
}

const TYPES: Record<string, LayerEntry['type']> = {
  file: 'file', 'contiguous-file': 'file', directory: 'directory', symlink: 'symlink', link: 'link',
};

/** Feeds one layer blob (gzip or plain tar) to the analyzer, entry by entry. */
async function readLayer(entry: TarEntry, index: number, layer: ArchiveLayer, analyzer: ImageAnalyzer, budget: { entries: number; max: number }): Promise<void> {
  const it = entry[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 4) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    head = Buffer.concat([head, r.value as Buffer]);
  }
  analyzer.beginLayer(index);
  if (head.length === 0) {
    layer.size = analyzer.endLayer();
    return;
  }
  if (startsWith(head, ZSTD)) {
    throw new ArchiveError('UNSUPPORTED', frag('archive.layer-zstd', 'layer {index} ({digest}) is zstd-compressed, which Shipshape cannot read yet; save the image with gzip or uncompressed layers', { index, digest: layer.digest }));
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  const source = Readable.from(all());
  const inner = tar.extract();
  const piping = (startsWith(head, GZIP) ? pipeline(source, createGunzip(), inner) : pipeline(source, inner)).catch((e: Error) => {
    throw new ArchiveError('INVALID', startsWith(head, GZIP)
      ? frag('archive.layer-not-tgz', 'layer {index} ({digest}) is not a readable tar.gz ({reason})', { index, digest: layer.digest, reason: e.message })
      : frag('archive.layer-not-tar', 'layer {index} ({digest}) is not a readable tar ({reason})', { index, digest: layer.digest, reason: e.message }));
  });
  const consuming = (async () => {
    for await (const e of inner) {
      const h = e.header;
      if (--budget.entries < 0) throw new ArchiveError('INVALID', frag('archive.too-many-files', 'layer {index}: the image has more than {max} files, the most Shipshape reads (its file list is kept in memory)', { index, max: budget.max }));
      const want = analyzer.add({
        name: h.name,
        type: TYPES[h.type ?? 'file'] ?? 'other',
        mode: h.mode ?? 0,
        size: h.size ?? 0,
        linkname: h.linkname ?? undefined,
      });
      if (want > 0) {
        const chunks: Buffer[] = [];
        let n = 0;
        for await (const c of e) {
          const b = c as Buffer;
          if (n < want) chunks.push(b.subarray(0, want - n));
          n += b.length;
        }
        analyzer.content(Buffer.concat(chunks));
      } else e.resume();
    }
  })();
  await Promise.all([consuming, piping]).catch((e: unknown) => {
    source.destroy();
    inner.destroy();
    throw e instanceof ArchiveError ? e : new ArchiveError('INVALID', frag('archive.layer-not-tar', 'layer {index} ({digest}) is not a readable tar ({reason})', { index, digest: layer.digest, reason: (e as Error).message }));
  });
  layer.size = analyzer.endLayer();
}

/** Reads every layer of `image` from `file` into `analyzer`, in the manifest's order. */
export async function readArchiveLayers(file: string, image: ArchiveImage, analyzer: ImageAnalyzer, maxEntries = MAX_ENTRIES, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const budget = { entries: maxEntries, max: maxEntries };
  while (next < image.layers.length) {
    const before = next;
    await eachOuterEntry(file, async (name, entry) => {
      if (next < image.layers.length && name === image.layers[next].entry) {
        await readLayer(entry, next + 1, image.layers[next], analyzer, budget);
        next++;
      }
    }, signal);
    if (next === before) throw new ArchiveError('INVALID', frag('archive.layer-missing', '{file}: layer {index} ({entry}) is not in the archive', { file, index: next + 1, entry: image.layers[next].entry }));
  }
}
