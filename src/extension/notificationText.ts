/**
 * What may go into a notification. VS Code renders `[label](command:…)` (and http/file links) in
 * notification text as a link that runs the command, so text from a report, a scanner, cosign or
 * a workspace file never goes in as it is: notifications say what happened in our own words and
 * the details go to the log. A value we do name (an image reference, a signer identity, a path)
 * passes through `plainValue` first, which makes link syntax impossible.
 */

const MAX_VALUE_LENGTH = 200;

/**
 * A value fit to appear inside a notification: control characters and line breaks dropped, `[`
 * `]` `(` `)` replaced by look-alike brackets (so no `[label](command:…)` can form), shortened.
 */
export function plainValue(text: string, max = MAX_VALUE_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\[/g, '［').replace(/\]/g, '］').replace(/\(/g, '（').replace(/\)/g, '）');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Whether a text holds something a notification would render as a link. */
export function hasNotificationLink(text: string): boolean {
  return /\[[^\]]*\]\([^)]*\)/.test(text);
}
