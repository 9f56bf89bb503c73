/** The Docker Compose analyser: one parse per file, shared by all rules. */
import { Analyzer, Skip } from '../engine';
import { ComposeModel, parseComposeModel } from './model';
import { COMPOSE_RULES } from './rules';

export const composeAnalyzer: Analyzer<ComposeModel> = {
  kind: 'compose',
  parse: (text) => {
    const model = parseComposeModel(text, true);
    return model instanceof Skip ? undefined : model;
  },
  parseOrSkip: (text, _config, options) => parseComposeModel(text, !options?.composeByContent, options?.related),
  comments: (model) => model.comments,
  rules: COMPOSE_RULES,
};

export type { ComposeModel } from './model';
export { parseComposeModel, mayBeCompose, composeReferences } from './model';
