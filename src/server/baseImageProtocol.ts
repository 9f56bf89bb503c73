/** The base-image advice request between the extension and the language server (types only, no core code). */
export type { BaseImageAdvice, BaseCandidate } from '../core/baseImages';

/** Client → server: `{ textDocument: { uri }, position? }` → BaseImageAdvice[] (the FROM at `position`, else every shipped FROM). */
export const BASE_IMAGE_ADVICE_REQUEST = 'shipshape/baseImageAdvice';

export interface BaseImageAdviceParams {
  textDocument: { uri: string };
  /** When given: only the FROM at this position (0-based). */
  position?: { line: number; character: number };
}

/** Client → server: `{ textDocument: { uri } }` → `{ range }` of the final stage's FROM (scratch and stage bases included), or null. */
export const FINAL_STAGE_REQUEST = 'shipshape/finalStageFrom';

/** Client → server: `{ text }` (a Dockerfile) → `Array<{ keyword, line }>`: the final image's instructions, for mapping an image's layers. */
export const BUILD_INSTRUCTIONS_REQUEST = 'shipshape/buildInstructions';
