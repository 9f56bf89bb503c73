/**
 * Base-image recommendations for a FROM (the hover, "Compare Base Images"): which stage is under
 * the cursor, what the catalogue offers for its image, and the edit that swaps the image. Pure and
 * offline: the catalogue (baseCatalogue.ts) knows names, never asks a registry.
 */
import { Range, TextEdit } from '../model';
import { english, frag, Locale, localize, Text } from '../l10n';
import { BaseCandidate, BaseRecommendation, recommendBase } from './baseCatalogue';
import { DockerfileModel, finalStage, Stage, stageLineage } from './model';

/** What Shipshape says about the base image of one FROM. */
export interface BaseImageAdvice {
  /** Index of the stage in the Dockerfile. */
  stage: number;
  /** Range of the image argument of the FROM. */
  range: Range;
  /** Range of the whole FROM instruction. */
  fromRange: Range;
  /** The image as written (`${BASE}`, `node:20`). */
  written: string;
  /** The image after global-ARG substitution. */
  image: string;
  /** The image came from an ARG default: a swap changes the ARG, not the FROM. */
  viaArg: boolean;
  /** The image is pinned by digest: a candidate is named by tag and must be pinned again. */
  digest?: string;
  recommendation: BaseRecommendation;
  /** The candidates may replace the image argument (a literal reference without a digest). */
  swappable: boolean;
}

function contains(r: Range, line: number, character: number): boolean {
  const afterStart = line > r.start.line || (line === r.start.line && character >= r.start.character);
  const beforeEnd = line < r.end.line || (line === r.end.line && character <= r.end.character);
  return afterStart && beforeEnd;
}

/** The stages whose image ships: the final stage and the stages it is built FROM. */
function shippedStages(model: DockerfileModel): Set<Stage> {
  const last = finalStage(model);
  return new Set(last ? stageLineage(last) : []);
}

/** The advice for one stage, or undefined when its base is no image of the catalogue or does not ship. */
export function baseImageAdviceOf(model: DockerfileModel, stage: Stage): BaseImageAdvice | undefined {
  if (stage.baseKind !== 'image' || !stage.ref) return undefined;
  // A build stage's image is not what runs: only the final stage's lineage is advised.
  if (!shippedStages(model).has(stage)) return undefined;
  const recommendation = recommendBase(stage.ref);
  if (!recommendation) return undefined;
  const viaArg = stage.imageText !== stage.resolvedImage;
  return {
    stage: stage.index,
    range: stage.imageRange,
    fromRange: stage.fromRange,
    written: stage.imageText,
    image: stage.resolvedImage,
    viaArg,
    digest: stage.ref.digest,
    recommendation,
    swappable: !viaArg && !stage.ref.digest,
  };
}

/** The advice for the FROM at a position (0-based), or undefined when there is none to give. */
export function baseImageAdviceAt(model: DockerfileModel, line: number, character: number): BaseImageAdvice | undefined {
  const stage = model.stages.find((s) => contains(s.fromRange, line, character));
  return stage ? baseImageAdviceOf(model, stage) : undefined;
}

/** Every shipped FROM the catalogue has advice for, in file order. */
export function baseImageAdvices(model: DockerfileModel): BaseImageAdvice[] {
  const out: BaseImageAdvice[] = [];
  for (const s of model.stages) {
    const a = baseImageAdviceOf(model, s);
    if (a) out.push(a);
  }
  return out;
}

/** Escapes Markdown so text is shown literally (a code span needs no escaping: references have no backticks). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&');
}

/** A note's backtick spans render as code, the rest literally. */
function noteMarkdown(note: string): string {
  return note.split(/(`[^`\n]+`)/).map((p, i) => (i % 2 === 1 ? p : escapeMarkdown(p))).join('');
}

function candidateLine(c: BaseCandidate, say: (t: Text) => string): string {
  const multi = c.needsMultiStage ? ` · ${say(frag('docker.baseAdvice.multi-stage', 'needs a multi-stage build'))}` : '';
  return `- \`${c.reference}\`: ${escapeMarkdown(c.note)}${escapeMarkdown(multi)} · [${escapeMarkdown(say(frag('docker.baseAdvice.source', 'source')))}](${c.source})`;
}

/** An advice with the catalogue's phrases (what the image is, why each candidate fits, the notes) in a locale. */
export function localizeBaseAdvice(advice: BaseImageAdvice, locale: Locale): BaseImageAdvice {
  if (locale === 'en') return advice;
  const say = (t: Text | string | number): string => (typeof t === 'object' ? localize(t, english(t), locale) : String(t));
  const r = advice.recommendation;
  return {
    ...advice,
    recommendation: { ...r, what: say(r.whatText), notes: r.notesText.map(say), candidates: r.candidates.map((c) => ({ ...c, note: say(c.noteText) })) },
  };
}

/**
 * The hover text for a FROM's advice, as Markdown: a heading, the candidates with where each
 * recommendation comes from, and the notes (LTS or not, why nothing is offered, ARG and digest),
 * in a locale.
 */
export function baseAdviceMarkdown(advice: BaseImageAdvice, locale: Locale = 'en'): string {
  const say = (t: Text): string => localize(t, english(t), locale);
  const a = localizeBaseAdvice(advice, locale);
  const r = a.recommendation;
  const image = a.image;
  const what = escapeMarkdown(r.what);
  const parts: string[] = [];
  if (r.candidates.length) {
    parts.push(say(frag('docker.baseAdvice.heading', '**Smaller or hardened bases for `{image}`** ({what}; same ecosystem, version and OS family)', { image, what })));
    parts.push(r.candidates.map((c) => candidateLine(c, say)).join('\n'));
  } else if (r.small) {
    parts.push(say(frag('docker.baseAdvice.already-small', '**`{image}`** is already a small base ({what}): the catalogue has nothing smaller of the same version and OS family.', { image, what })));
  } else {
    parts.push(say(frag('docker.baseAdvice.none-smaller', '**`{image}`** ({what}): the catalogue has no smaller base of the same version and OS family.', { image, what })));
  }
  const notes = [...r.notes];
  if (r.candidates.length && a.viaArg) notes.push(say(frag('docker.baseAdvice.via-arg', "The image comes from an ARG (`{written}`): change the ARG's default to switch.", { written: a.written })));
  if (r.candidates.length && a.digest) notes.push(say(frag('docker.baseAdvice.digest', 'The image is pinned by digest: pin the candidate by its digest too.')));
  if (notes.length) parts.push(notes.map(noteMarkdown).join(' '));
  return parts.join('\n\n');
}

/** The edit that makes the FROM name `candidate`, or undefined when the image is not a literal reference. */
export function baseSwapEdit(advice: BaseImageAdvice, candidate: string): TextEdit | undefined {
  if (!advice.swappable) return undefined;
  return { range: advice.range, newText: candidate };
}
