/**
 * The unified diff `shipshape fix` prints: of a user's file, so its text and its name go through
 * the terminal sanitiser (sanitize.ts) and a control sequence in either is shown, never obeyed.
 */
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { visibleForTerminal, visibleName } from './sanitize';
import { frag } from '../core/l10n/text';
import { Locale, say } from './l10n';

export interface PrintedDiff {
  /** The diff to print. */
  text: string;
  /** Some character of the diff was shown as `<U+XXXX>`: the diff is not the file's exact bytes there. */
  escaped: boolean;
}

/** The diff of `before` → `after` for `file` (a path as the user gave it), safe to print. */
export function fixDiff(file: string, before: string, after: string): PrintedDiff {
  const name = visibleName(file.split(path.sep).join('/'));
  const raw = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3 });
  const text = visibleForTerminal(raw);
  return { text, escaped: text !== raw || name !== file.split(path.sep).join('/') };
}

/** The note for stderr when a diff shows characters escaped. */
export function escapedNote(file: string, locale: Locale = 'en'): string {
  return `shipshape: ${say(locale, frag('cli.diff.escaped', '{file}: control characters in the diff are shown as <U+XXXX>; the file holds them as they are', { file: visibleName(file) }))}\n`;
}
