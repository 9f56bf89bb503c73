/**
 * The local files a Compose file refers to (`extends.file`, `env_file`), read so the analysis
 * sees what a service inherits and the values it is given. Only relative paths inside the working directory are read, as regular files
 * within the engine's size limit; a file that cannot be read is simply not supplied (the rules
 * then skip "missing field" findings for the services that extend it).
 */
import * as path from 'path';
import { composeReferences } from '../core/compose';
import { CliIO, MAX_SOURCE_BYTES, readInputFile } from './io';

/** Files beyond this many are not followed from one Compose file. */
const MAX_RELATED = 16;

/** Texts of the local files a Compose text extends or reads variables from, keyed by the path as written; undefined when there are none. */
export async function composeRelatedTexts(io: CliIO, file: string, text: string): Promise<Map<string, string> | undefined> {
  // A cheap test first: most YAML files extend nothing.
  if (!text.includes('extends') && !text.includes('env_file')) return undefined;
  const refs = composeReferences(text).slice(0, MAX_RELATED);
  if (refs.length === 0) return undefined;
  const root = path.resolve(io.cwd);
  const related = new Map<string, string>();
  for (const ref of refs) {
    if (path.isAbsolute(ref)) continue;
    const target = path.resolve(root, path.dirname(file), ref);
    if (target !== root && !target.startsWith(root + path.sep)) continue;
    try {
      related.set(ref, await readInputFile(io, target, MAX_SOURCE_BYTES));
    } catch {
      // Not supplied: the services extending it are read without what it would give them.
    }
  }
  return related.size > 0 ? related : undefined;
}
