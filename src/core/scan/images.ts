/** Local images as `docker image ls` and `podman images` list them, for the "Scan Image…" picker. */
import { isObject, str } from './model';

export interface LocalImage {
  /** What to pass to a scanner: `repo:tag`, `repo@digest`, or the image id when untagged. */
  reference: string;
  repository?: string;
  tag?: string;
  /** Short (12 hex) image id. */
  id: string;
  digest?: string;
  /** Size as the tool printed it, or formatted from bytes. */
  sizeText?: string;
  sizeBytes?: number;
  /** ISO 8601 when it could be read, else as printed. */
  createdAt?: string;
  /** `5 days ago` as Docker prints it. */
  createdSince?: string;
  source: 'docker' | 'podman';
}

const NONE = '<none>';

function present(s: string | undefined): string | undefined {
  return s && s !== NONE ? s : undefined;
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** Bytes of a Docker size string (`72.9MB`, `5.61MB`, `1.2GB`); Docker uses decimal units. */
export function parseSize(text: string | undefined): number | undefined {
  const m = text ? /^\s*([\d.]+)\s*([a-zA-Z]*)\s*$/.exec(text) : null;
  if (!m) return undefined;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  const n = parseFloat(m[1]);
  return unit && Number.isFinite(n) ? Math.round(n * unit) : undefined;
}

/** Bytes as Docker would print them (`72.9MB`). */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : parseFloat(v.toPrecision(3))}${units[i]}`;
}

/** ISO time of Docker's `2021-03-04 03:24:42 +0100 CET`, or undefined when it reads otherwise. */
export function parseDockerTime(text: string | undefined): string | undefined {
  const m = text ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})/.exec(text) : null;
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function referenceFor(repository: string | undefined, tag: string | undefined, digest: string | undefined, id: string): string {
  if (repository && tag) return `${repository}:${tag}`;
  if (repository && digest) return `${repository}@${digest}`;
  return id;
}

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Parses `docker image ls --format '{{json .}}'` (one JSON object per line); unreadable lines are skipped. */
export function parseDockerImages(jsonLines: string): LocalImage[] {
  const images: LocalImage[] = [];
  for (const line of jsonLines.split(/\r?\n/)) {
    if (!line.trim()) continue;
    let o: unknown;
    try { o = JSON.parse(line); } catch { continue; }
    if (!isObject(o) || !str(o.ID)) continue;
    const repository = present(str(o.Repository));
    const tag = present(str(o.Tag));
    const digest = present(str(o.Digest));
    const id = shortId(o.ID);
    const sizeText = str(o.Size);
    images.push({
      reference: referenceFor(repository, tag, digest, id),
      repository, tag, id, digest,
      sizeText,
      sizeBytes: parseSize(sizeText),
      createdAt: parseDockerTime(str(o.CreatedAt)) ?? str(o.CreatedAt),
      createdSince: str(o.CreatedSince),
      source: 'docker',
    });
  }
  return images;
}

/** Splits `registry/repo:tag` at the tag colon (not a registry port). */
function splitName(name: string): { repository: string; tag?: string } {
  const at = name.indexOf('@');
  const base = at >= 0 ? name.slice(0, at) : name;
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { repository: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repository: base };
}

/** Parses `podman images --format json` (a JSON array of ImageSummary); one entry per name, one for an unnamed image. */
export function parsePodmanImages(json: string): LocalImage[] {
  let doc: unknown;
  try { doc = JSON.parse(json); } catch { return []; }
  if (!Array.isArray(doc)) return [];
  const images: LocalImage[] = [];
  for (const o of doc) {
    if (!isObject(o) || !str(o.Id)) continue;
    const id = shortId(o.Id);
    const sizeBytes = typeof o.Size === 'number' ? o.Size : undefined;
    const createdAt = str(o.CreatedAt) ?? (typeof o.Created === 'number' ? new Date(o.Created * 1000).toISOString() : undefined);
    const digest = present(str(o.Digest));
    const names = (Array.isArray(o.Names) ? o.Names : Array.isArray(o.RepoTags) ? o.RepoTags : [])
      .filter((n: unknown): n is string => typeof n === 'string' && !n.startsWith(NONE));
    const common = { id, digest, sizeBytes, sizeText: sizeBytes !== undefined ? formatSize(sizeBytes) : undefined, createdAt, source: 'podman' as const };
    if (!names.length) {
      images.push({ ...common, reference: id });
      continue;
    }
    for (const name of names) {
      const { repository, tag } = splitName(name);
      images.push({ ...common, repository, tag: present(tag), reference: referenceFor(repository, present(tag), digest, id) });
    }
  }
  return images;
}
