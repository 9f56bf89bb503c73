/** The GitHub Actions workflow analyser: one parse per file, shared by all `gha-…` rules. */
import { Analyzer } from '../engine';
import { parseWorkflow, WorkflowModel } from './model';
import { GITHUB_RULES } from './rules';

export const githubWorkflowAnalyzer: Analyzer<WorkflowModel> = {
  kind: 'github-workflow',
  parse: (text) => parseWorkflow(text),
  comments: (model) => model.comments,
  rules: GITHUB_RULES,
};

export type { WorkflowModel } from './model';
export { parseWorkflow } from './model';
export { untrustedContext, unpinnedReason } from './rules';
