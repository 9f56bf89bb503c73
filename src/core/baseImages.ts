/**
 * Base-image advice for a Dockerfile text: the hover at a position and the advice for every
 * shipped FROM ("Compare Base Images"). The Dockerfile analyser is loaded on first use, and a
 * position that is not on a FROM instruction is answered without parsing.
 */
import type { BaseImageAdvice } from './dockerfile/baseAdvice';
import { textLimitProblem } from './limits';
import { Range } from './model';
import type { Locale } from './l10n';

export type { BaseImageAdvice } from './dockerfile/baseAdvice';
export type { BaseCandidate, BaseRecommendation, OsFamily } from './dockerfile/baseCatalogue';

/** Whether line `line` belongs to an instruction that starts with FROM (following `\` continuations back). */
function onFromInstruction(text: string, line: number): boolean {
  const lines = text.split(/\r\n|\r|\n/, line + 1);
  if (line < 0 || line >= lines.length) return false;
  let start = line;
  // A continuation line belongs to the instruction above it (either escape character).
  while (start > 0 && /[\\`]\s*$/.test(lines[start - 1])) start--;
  return /^\s*from\s/i.test(lines[start]);
}

/* eslint-disable @typescript-eslint/no-require-imports */
function dockerfile(): typeof import('./dockerfile') {
  return require('./dockerfile') as typeof import('./dockerfile');
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The advice for the FROM at a position of a Dockerfile text, or undefined. Never throws. */
export function baseImageAdviceInText(text: string, line: number, character: number): BaseImageAdvice | undefined {
  if (textLimitProblem(text) || !onFromInstruction(text, line)) return undefined;
  try {
    const d = dockerfile();
    return d.baseImageAdviceAt(d.buildModel(text), line, character);
  } catch {
    return undefined;
  }
}

/** The base-image hover at a position: Markdown and the FROM instruction's range, or undefined. Never throws. */
export function baseImageHover(text: string, line: number, character: number, locale: Locale = 'en'): { markdown: string; range: Range } | undefined {
  const advice = baseImageAdviceInText(text, line, character);
  return advice ? { markdown: dockerfile().baseAdviceMarkdown(advice, locale), range: advice.fromRange } : undefined;
}

/** An advice with the catalogue's phrases in a locale (the same object for English). */
export function localizeBaseAdvice(advice: BaseImageAdvice, locale: Locale): BaseImageAdvice {
  return locale === 'en' ? advice : dockerfile().localizeBaseAdvice(advice, locale);
}

/** The advice for every shipped FROM of a Dockerfile text. Never throws. */
export function baseImageAdvicesInText(text: string): BaseImageAdvice[] {
  if (textLimitProblem(text)) return [];
  try {
    const d = dockerfile();
    return d.baseImageAdvices(d.buildModel(text));
  } catch {
    return [];
  }
}

/** The range of the final stage's FROM instruction (what `docker build` produces), whatever its base. Never throws. */
export function finalStageFromRange(text: string): Range | undefined {
  if (textLimitProblem(text) || !/^\s*from\s/im.test(text)) return undefined;
  try {
    const d = dockerfile();
    const stages = d.buildModel(text).stages;
    return stages.length ? stages[stages.length - 1].fromRange : undefined;
  } catch {
    return undefined;
  }
}
