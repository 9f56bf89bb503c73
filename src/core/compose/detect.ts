/**
 * The cheap test that decides whether a YAML text whose name says nothing may be a Compose file.
 * Kept apart from the model so that the test loads neither the analyser nor the YAML parser.
 */

/**
 * A cheap necessary condition for a YAML text of any name to be a Compose file: a line that
 * starts with `services:` (a top-level key). Text only (one `indexOf` hop per occurrence);
 * the parse decides (see parseComposeModel).
 */
export function mayBeCompose(text: string): boolean {
  let i = text.indexOf('services');
  while (i >= 0) {
    const prev = i === 0 ? 10 : text.charCodeAt(i - 1);
    if (prev === 10 || prev === 13 || (i === 1 && prev === 0xfeff) || (prev === 0x22 && (i === 1 || text.charCodeAt(i - 2) === 10))) {
      let j = i + 8;
      if (text.charCodeAt(j) === 0x22) j++;
      while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
      if (text.charCodeAt(j) === 0x3a) return true;
    }
    i = text.indexOf('services', i + 8);
  }
  return false;
}
