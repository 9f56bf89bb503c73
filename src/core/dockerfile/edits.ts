/** Text-edit helpers shared by the Dockerfile fixes. Edits keep the file's line ending. */
import { Instruction } from 'dockerfile-ast';
import { Position, TextEdit } from '../model';
import { DockerfileModel, Stage } from './model';

const BUILD_STEPS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/**
 * Where runtime settings (USER, HEALTHCHECK) go in a stage: before the CMD/ENTRYPOINT that
 * follows the last build step, so that RUN steps keep their user; undefined = after the stage.
 */
export function runtimeAnchor(stage: Stage): Instruction | undefined {
  let lastBuild = -1;
  stage.instructions.forEach((ins, i) => {
    if (BUILD_STEPS.has(ins.getKeyword().toUpperCase())) lastBuild = i;
  });
  return stage.instructions.slice(lastBuild + 1).find((ins) => /^(CMD|ENTRYPOINT)$/i.test(ins.getKeyword()));
}

/** First line of an instruction including the comment lines directly above it. */
function leadingCommentStart(model: DockerfileModel, line: number): number {
  let l = line;
  while (l > 0 && model.commentLines.has(l - 1)) l--;
  return l;
}

/** Inserts whole lines before an instruction (above the comments attached to it). */
export function insertLinesBefore(model: DockerfileModel, ins: Instruction, lines: readonly string[], keepComments = true): TextEdit {
  const insLine = ins.getRange().start.line;
  const line = keepComments ? leadingCommentStart(model, insLine) : insLine;
  const lineStart = model.lines.offsetAt({ line: insLine, character: 0 });
  let indentEnd = lineStart;
  while (model.text[indentEnd] === ' ' || model.text[indentEnd] === '\t') indentEnd++;
  const indent = model.text.slice(lineStart, indentEnd);
  const pos: Position = { line, character: 0 };
  return { range: { start: pos, end: pos }, newText: lines.map((l) => indent + l + model.eol).join('') };
}

/** Inserts whole lines after the last instruction of a stage. */
export function insertLinesAfterStage(model: DockerfileModel, stage: Stage, lines: readonly string[]): TextEdit {
  const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
  const end = last.getRange().end;
  const pos: Position = { line: end.line, character: end.character };
  return { range: { start: pos, end: pos }, newText: lines.map((l) => model.eol + l).join('') };
}

/** Inserts lines where runtime settings belong in a stage. */
export function insertRuntimeLines(model: DockerfileModel, stage: Stage, lines: readonly string[]): TextEdit {
  const anchor = runtimeAnchor(stage);
  return anchor ? insertLinesBefore(model, anchor, lines) : insertLinesAfterStage(model, stage, lines);
}

/** Zero-width insertion at a document offset. */
export function insertAt(model: DockerfileModel, offset: number, text: string): TextEdit {
  const p = model.lines.positionAt(offset);
  return { range: { start: p, end: p }, newText: text };
}

/** Replacement of a document offset span. */
export function replaceSpan(model: DockerfileModel, start: number, end: number, text: string): TextEdit {
  return { range: model.lines.rangeOf(start, end), newText: text };
}
