/**
 * Reading and writing files that a stranger may have prepared: a cloned repository can make
 * `.shipshape.yaml` a FIFO (a read that never returns), a Dockerfile a symlink to `/dev/zero` (a
 * read that never ends), or `.trivyignore` a symlink to `~/.bashrc` (a write that lands outside
 * the workspace). Only regular files are read, their size is checked before and while reading,
 * and a write never follows a link.
 */
import { constants as C, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { english, frag, Text } from '../core/l10n/text';

export type FileAccessErrorCode = 'NOT_FOUND' | 'NOT_REGULAR' | 'TOO_LARGE' | 'SYMLINK' | 'OUTSIDE' | 'HARDLINK' | 'IO';

/** A file we refused to read or write, or could not. The message names the file and says why (`reasonL10n`: why, as a template). */
export class FileAccessError extends Error {
  readonly reasonL10n?: Text;
  constructor(readonly code: FileAccessErrorCode, readonly file: string, reason: string | Text) {
    super(`${file}: ${typeof reason === 'string' ? reason : english(reason)}`);
    this.name = 'FileAccessError';
    if (typeof reason !== 'string') this.reasonL10n = reason;
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** O_NONBLOCK, so opening a FIFO returns at once (and fstat then refuses it) instead of waiting for a writer. */
const OPEN_READ = C.O_RDONLY | (C.O_NONBLOCK ?? 0);

/**
 * Reads a regular file (a symlink to one is fine) of at most `maxBytes` as UTF-8. Anything else
 * (FIFO, device, socket, directory) and anything larger is refused with a FileAccessError before
 * a byte is read; a file that grows past the limit while read is refused too.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_READ);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileAccessError('NOT_FOUND', file, frag('files.not-found', 'no such file'));
    throw new FileAccessError('IO', file, code ?? (e as Error).message);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new FileAccessError('NOT_REGULAR', file, frag('files.not-regular-read', 'not a regular file ({kind}); only regular files are read', { kind: kindOf(st) }));
    if (st.size > maxBytes) throw new FileAccessError('TOO_LARGE', file, frag('files.too-large', '{size} is more than the {max} Shipshape reads', { size: mib(st.size), max: mib(maxBytes) }));
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 64 * 1024), maxBytes + 1, 16 * 1024 * 1024));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new FileAccessError('TOO_LARGE', file, frag('files.grew', 'grew past the {max} Shipshape reads', { max: mib(maxBytes) }));
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof FileAccessError) throw e;
    throw new FileAccessError('IO', file, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): Text {
  if (st.isDirectory()) return frag('files.kind.directory', 'a directory');
  if (st.isFIFO()) return frag('files.kind.fifo', 'a FIFO');
  if (st.isCharacterDevice() || st.isBlockDevice()) return frag('files.kind.device', 'a device');
  if (st.isSocket()) return frag('files.kind.socket', 'a socket');
  return frag('files.kind.special', 'a special file');
}

/**
 * The path of `name` directly inside `folder`, after checking that writing it stays in the
 * folder: `name` is a plain file name, the folder's real path holds it, and an existing file is
 * a regular file with one link (not a symlink, not a hard link to a file elsewhere).
 * Resolves undefined for the existing file's state when it does not exist yet.
 */
async function checkedTarget(folder: string, name: string): Promise<{ target: string; existing?: { mode: number } }> {
  if (!name || name !== path.basename(name) || name === '.' || name === '..') throw new FileAccessError('OUTSIDE', name, frag('files.not-plain-name', 'not a plain file name'));
  let realFolder: string;
  try {
    realFolder = await fs.realpath(folder);
  } catch (e) {
    throw new FileAccessError('NOT_FOUND', folder, (e as NodeJS.ErrnoException).code ?? 'cannot resolve the folder');
  }
  const target = path.join(realFolder, name);
  let st;
  try {
    st = await fs.lstat(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { target };
    throw new FileAccessError('IO', target, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  if (st.isSymbolicLink()) throw new FileAccessError('SYMLINK', target, frag('files.symlink-write', 'is a symbolic link; Shipshape does not write through links (it could point outside the workspace)'));
  if (!st.isFile()) throw new FileAccessError('NOT_REGULAR', target, frag('files.not-regular', 'not a regular file ({kind})', { kind: kindOf(st) }));
  if (st.nlink > 1) throw new FileAccessError('HARDLINK', target, frag('files.hardlink', 'has other hard links; writing it would change a file elsewhere'));
  return { target, existing: { mode: st.mode & 0o777 } };
}

/**
 * Reads `name` in `folder` for a read-modify-write: '' when it does not exist; a FileAccessError
 * when it is a link, not a regular file, larger than `maxBytes`, or resolves outside the folder.
 */
export async function readFileInFolder(folder: string, name: string, maxBytes: number): Promise<string> {
  const { target, existing } = await checkedTarget(folder, name);
  if (!existing) return '';
  // O_NOFOLLOW: a link swapped in after the check is refused by the kernel.
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(target, OPEN_READ | (C.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new FileAccessError('SYMLINK', target, frag('files.symlink', 'is a symbolic link'));
    throw new FileAccessError('IO', target, code ?? (e as Error).message);
  }
  await handle.close();
  return readRegularFile(target, maxBytes);
}

/**
 * Writes `text` to `name` directly inside `folder`, never through a link: the same checks as
 * readFileInFolder, then a new file created exclusively beside it and renamed over it (a rename
 * replaces a link planted in between; it does not follow it).
 */
export async function writeFileInFolder(folder: string, name: string, text: string): Promise<string> {
  const { target, existing } = await checkedTarget(folder, name);
  const temp = path.join(path.dirname(target), `.${name}.shipshape-${randomBytes(6).toString('hex')}`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW ?? 0), existing?.mode ?? 0o644);
    await handle.writeFile(text, 'utf8');
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new FileAccessError('IO', target, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  return target;
}

/** Whether `name` in `folder` is a regular file we may let a tool read: not a link, not a FIFO, inside the folder. */
export async function isPlainFileInFolder(folder: string, name: string): Promise<boolean> {
  try {
    return (await checkedTarget(folder, name)).existing !== undefined;
  } catch {
    return false;
  }
}
