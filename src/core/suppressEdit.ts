import { FileKind, TextEdit } from './model';
import { LineIndex, eolOf } from './text';
import { normalizeRuleKey, suppressionComment } from './suppress';

/** A whole-line `# shipshape-ignore RULES [reason]` comment: the prefix up to the rules, and the rules. */
const LINE_DIRECTIVE = /^([ \t]*#[ \t]*shipshape-ignore[ \t]+)([^\s]+)/;

/**
 * The edit that suppresses a rule (or a comma-separated list): for one line, a comment line above
 * it with the same indentation, or the rules added to the directive already there; for the whole file, a comment at the top — after a Dockerfile's parser
 * directives (`# syntax=`, `# escape=`), which stop being directives below any other comment.
 */
export function suppressionEdit(text: string, kind: FileKind, ruleId: string, scope: 'line' | 'file', line: number): TextEdit {
  const eol = eolOf(text);
  const index = new LineIndex(text);
  if (scope === 'line') {
    const target = Math.max(0, Math.min(line, index.lineCount - 1));
    // A directive line right above already names rules for this line: add to its list, since a
    // second comment line in between would leave that directive applying to the new comment.
    const above = target > 0 ? LINE_DIRECTIVE.exec(index.lineText(target - 1)) : null;
    if (above) {
      const named = new Set(above[2].split(',').map(normalizeRuleKey));
      const added = ruleId.split(',').filter((r) => r && !named.has(normalizeRuleKey(r)));
      const at = { line: target - 1, character: above[1].length + above[2].length };
      return { range: { start: at, end: at }, newText: added.length ? `,${added.join(',')}` : '' };
    }
    const indent = /^[ \t]*/.exec(index.lineText(target))![0];
    const pos = { line: target, character: 0 };
    return { range: { start: pos, end: pos }, newText: `${indent}${suppressionComment(ruleId, 'line')}${eol}` };
  }
  let insertLine = 0;
  if (kind === 'dockerfile') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { DockerfileParser } = require('dockerfile-ast') as typeof import('dockerfile-ast');
      const directives = DockerfileParser.parse(text).getDirectives();
      for (const d of directives) insertLine = Math.max(insertLine, d.getRange().end.line + 1);
    } catch {
      insertLine = 0;
    }
  }
  if (insertLine >= index.lineCount) {
    // Directives only, no final newline: start a new line after them.
    const end = { line: index.lineCount - 1, character: index.lineText(index.lineCount - 1).length };
    return { range: { start: end, end }, newText: `${eol}${suppressionComment(ruleId, 'file')}` };
  }
  const pos = { line: insertLine, character: 0 };
  return { range: { start: pos, end: pos }, newText: `${suppressionComment(ruleId, 'file')}${eol}` };
}
