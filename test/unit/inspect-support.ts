/** Image archives for the inspect tests, built here with tar-stream and zlib (no engine, no registry). */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tar from 'tar-stream';

export interface FileSpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  content?: string | Buffer;
  linkname?: string;
}

export interface LayerSpec {
  files: FileSpec[];
  compression?: 'gzip' | 'none' | 'zstd';
  createdBy?: string;
}

export async function tarOf(files: Array<FileSpec & { content?: string | Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) {
    const type = f.type ?? 'file';
    const mode = f.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
    if (type === 'file') pack.entry({ name: f.name, mode, type }, f.content ?? '');
    else pack.entry({ name: f.name, mode, type, linkname: f.linkname });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function layerBlob(l: LayerSpec): Promise<{ raw: Buffer; blob: Buffer }> {
  const raw = await tarOf(l.files);
  if (l.compression === 'gzip') return { raw, blob: zlib.gzipSync(raw) };
  // A zstd frame's magic number, then anything: the reader must refuse it before decoding.
  if (l.compression === 'zstd') return { raw, blob: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), raw.subarray(0, 64)]) };
  return { raw, blob: raw };
}

function historyFor(layers: LayerSpec[], extra: Array<{ created_by: string; empty_layer?: boolean }>): unknown[] {
  return [...layers.map((l, i) => ({ created_by: l.createdBy ?? `/bin/sh -c #(nop) ADD file:${i} in /` })), ...extra];
}

export interface ArchiveOptions {
  /** History entries after the layers' (empty layers such as CMD), or a full history to use. */
  history?: Array<{ created_by: string; empty_layer?: boolean }>;
  /** Replace the generated history. */
  fullHistory?: Array<{ created_by: string; empty_layer?: boolean }>;
  gzipArchive?: boolean;
}

let counter = 0;
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `shipshape-inspect-test-${counter++}-`));
}

/** A legacy `docker save` archive: `<id>/layer.tar`, `<config>.json`, `manifest.json` last (as docker writes it). */
export async function dockerArchive(dir: string, layers: LayerSpec[], opts: ArchiveOptions = {}): Promise<string> {
  const pack = tar.pack();
  const names: string[] = [];
  const diffIds: string[] = [];
  for (const l of layers) {
    const { raw, blob } = await layerBlob(l);
    const id = sha(blob);
    pack.entry({ name: `${id}/`, type: 'directory', mode: 0o755 });
    pack.entry({ name: `${id}/layer.tar`, mode: 0o644 }, blob);
    names.push(`${id}/layer.tar`);
    diffIds.push(`sha256:${sha(raw)}`);
  }
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: opts.fullHistory ?? historyFor(layers, opts.history ?? []),
  }));
  const configName = `${sha(config)}.json`;
  pack.entry({ name: configName }, config);
  pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: configName, RepoTags: ['example/app:1'], Layers: names }]));
  pack.finalize();
  return write(dir, 'image.tar', pack, opts.gzipArchive);
}

/** An OCI image layout archive (oci-layout, index.json, blobs/sha256/…), layers first. */
export async function ociArchive(dir: string, layers: LayerSpec[], opts: ArchiveOptions = {}): Promise<string> {
  const pack = tar.pack();
  const descs: unknown[] = [];
  const diffIds: string[] = [];
  pack.entry({ name: 'oci-layout' }, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const l of layers) {
    const { raw, blob } = await layerBlob(l);
    pack.entry({ name: `blobs/sha256/${sha(blob)}` }, blob);
    const mediaType = l.compression === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip'
      : l.compression === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : 'application/vnd.oci.image.layer.v1.tar';
    descs.push({ mediaType, digest: `sha256:${sha(blob)}`, size: blob.length });
    diffIds.push(`sha256:${sha(raw)}`);
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds }, history: opts.fullHistory ?? historyFor(layers, opts.history ?? []) }));
  pack.entry({ name: `blobs/sha256/${sha(config)}` }, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
    layers: descs,
  }));
  pack.entry({ name: `blobs/sha256/${sha(manifest)}` }, manifest);
  pack.entry({ name: 'index.json' }, JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}`, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'example/app:1' } }],
  }));
  pack.finalize();
  return write(dir, 'oci.tar', pack, opts.gzipArchive);
}

async function write(dir: string, name: string, pack: tar.Pack, gzip?: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const file = path.join(dir, gzip ? `${name}.gz` : name);
  const all = Buffer.concat(chunks);
  fs.writeFileSync(file, gzip ? zlib.gzipSync(all) : all);
  return file;
}

/** A PEM private key body (random bytes, not a real key: the detector judges the armour). */
export const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${Buffer.alloc(300, 7).toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
