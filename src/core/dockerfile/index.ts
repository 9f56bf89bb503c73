/** The Dockerfile analyser: parse once into a shared model, run the Dockerfile rules over it. */
import { Analyzer } from '../engine';
import { buildModel, DockerfileModel } from './model';
import { DOCKERFILE_RULES } from './rules';

export const dockerfileAnalyzer: Analyzer<DockerfileModel> = {
  kind: 'dockerfile',
  parse: (text, config) => buildModel(text, config),
  comments: (model) => model.comments,
  rules: DOCKERFILE_RULES,
};

export type { DockerfileModel, Stage, RunCommand } from './model';
export { buildModel } from './model';
export { DOCKERFILE_RULES } from './rules';
export { convertToMultiStage, multiStageFix, toolchainOf } from './fixes/multiStage';
export { nonRootUserFix, nonRootUserLines } from './fixes/addUser';
export { baseAdviceMarkdown, baseImageAdviceAt, baseImageAdvices, baseSwapEdit, localizeBaseAdvice } from './baseAdvice';
