/**
 * The limits every path that reads user text shares: the engine, the image-reference CodeLens,
 * the scan diagnostics, fix-all and the readers of `.shipshape.yaml` and report files. One place,
 * so an editor feature cannot forget a limit the engine has.
 */
import type { FileKind } from './model';
import { Text, english, frag } from './l10n/text';

/** Larger texts are not analysed: an editor must stay responsive and a CLI must not hang. */
export const MAX_TEXT_LENGTH = 8 * 1024 * 1024;

/** Largest `.shipshape.yaml` read (editor and CLI). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Largest scan report file read (`shipshape scan --report`, Open Scan Report…). */
export const MAX_REPORT_BYTES = 128 * 1024 * 1024;

/** Most stdout kept from a scanner (or docker/podman/cosign) before the run fails with OUTPUT_LIMIT. */
export const MAX_TOOL_OUTPUT_BYTES = 128 * 1024 * 1024;

/** Work on one text in the editor that takes longer than this is logged and, where it loops, cut short. */
export const EDITOR_TIME_BUDGET_MS = 500;

/** Why a text is not read at all. */
export type TextLimitProblem = 'tooLarge' | 'binary';

/** Looks like binary content: a NUL byte among the first 8 KB. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

/** Whether a text may be parsed: undefined when it may, else why not. */
export function textLimitProblem(text: string): TextLimitProblem | undefined {
  if (text.length > MAX_TEXT_LENGTH) return 'tooLarge';
  if (looksBinary(text)) return 'binary';
  return undefined;
}

/** The reason of a TextLimitProblem for people (the CLI's "skipped (…)", the log). */
export function describeTextLimitProblem(problem: TextLimitProblem): string {
  return english(textLimitReason(problem));
}

/** `describeTextLimitProblem` as a template, for other locales. */
export function textLimitReason(problem: TextLimitProblem): Text {
  return problem === 'tooLarge' ? frag('engine.skip.too-large', 'file larger than {size} MB', { size: MAX_TEXT_LENGTH / (1024 * 1024) }) : frag('engine.skip.binary', 'binary content');
}

/**
 * A cheap necessary condition for a YAML text to hold a Kubernetes object: `apiVersion` and `kind`
 * appear in it (or a backslash does, since a double-quoted key may spell them with escapes).
 * A lockfile or any other YAML without them is never composed.
 */
export function mayBeKubernetes(text: string): boolean {
  // Both words sit near the top of a manifest, so this usually reads a few bytes; the backslash
  // search reads the whole text only when a word is missing.
  return (text.includes('apiVersion') && text.includes('kind')) || text.includes('\\');
}

/** Whether a text can be of a file kind at all, before the (costly) parse. */
export function mayBeOfKind(text: string, kind: FileKind): boolean {
  return kind !== 'kubernetes' || mayBeKubernetes(text);
}
