/** Layer entry names made into image paths, whatever the tar says. */

/** A normalised entry name and whether the tar tried to leave the image's root with it. */
export interface NormalisedPath {
  /** Absolute, `/`-separated, no `.`/`..` and no trailing slash; `/` for the root. */
  path: string;
  /** The name was absolute or climbed above the root with `..`. */
  escapes: boolean;
}

/**
 * Resolves a layer entry name as a runtime that confines extraction to the root would: a leading
 * `/` and each `..` above the root are dropped (and noted), `.` and empty components ignored.
 * Nothing is ever written: this only decides which image path an entry describes.
 */
export function normaliseEntryName(name: string): NormalisedPath {
  let escapes = false;
  const raw = name.replace(/\\/g, '/');
  // `/` alone is the root directory's own entry; `/etc/x` is an absolute name.
  if (raw.startsWith('/') && /[^/]/.test(raw)) escapes = true;
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) escapes = true;
      else out.pop();
      continue;
    }
    out.push(part);
  }
  return { path: `/${out.join('/')}`, escapes };
}

/** The last component of an image path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

/** The directory of an image path (`/` for top-level entries). */
export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Resolves a symlink or hard-link target against the directory of the link (hard links are relative to the root). */
export function resolveLinkTarget(linkPath: string, target: string, hardLink: boolean): string {
  if (hardLink || target.startsWith('/')) return normaliseEntryName(target).path;
  return normaliseEntryName(`${dirName(linkPath)}/${target}`).path;
}
