/**
 * The Dockerfile side of the history mapping: the final image's instructions with their lines.
 * The matching itself (historyMatch.ts) needs no parser.
 */
import { buildModel, finalStage, instructionRange, stageLineage } from '../dockerfile/model';
import type { BuildInstruction } from './historyMatch';

export { historyKeyword, matchHistory } from './historyMatch';
export type { BuildInstruction, HistoryEntry } from './historyMatch';

/** The instructions that make the final image's history, in build order (FROM excluded). */
export function finalImageInstructions(dockerfileText: string): BuildInstruction[] {
  const model = buildModel(dockerfileText);
  const stage = finalStage(model);
  if (!stage) return [];
  const out: BuildInstruction[] = [];
  for (const s of stageLineage(stage).reverse()) {
    s.instructions.forEach((ins, i) => {
      out.push({ keyword: s.keywords[i], line: instructionRange(ins).start.line + 1 });
    });
  }
  return out;
}
