/**
 * Text from scanned images, report files and tools printed on a terminal. A package name or a
 * vulnerability title can carry escape sequences (set the window title, clear the screen, write
 * the clipboard with OSC 52, make a hyperlink with OSC 8); printed raw, the terminal obeys them.
 * Everything we print that came from input goes through here first; our own colours are added
 * after.
 */

// C0 controls except TAB and LF, DEL, C1 controls, and the bidirectional overrides and isolates
// that make a line display in another order than it reads (Trojan Source).
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_NEWLINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Whether a string holds anything forTerminal would change. */
export function hasControlCharacters(text: string): boolean {
  UNSAFE_ONE_LINE.lastIndex = 0;
  return UNSAFE_ONE_LINE.test(text);
}

/**
 * A value for one field of a line (a package name, an id, a title): control characters,
 * including line breaks, are dropped, so the value can neither move the cursor nor start a line
 * that looks like ours.
 */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, '');
}

/** A multi-line message (an error, a tool's stderr): like forTerminal but LF and TAB are kept, CR is dropped. */
export function forTerminalLines(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINES, '');
}

// What a terminal acts on in text shown as written: C0 controls except TAB, LF and the CR that
// ends a line (CRLF), DEL, C1, and the bidirectional controls.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function codePoint(c: string): string {
  return `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * Text shown as it is written, such as a diff of a user's file: every character a terminal would
 * act on is shown as `<U+XXXX>` instead (`<U+001B>` for ESC, `<U+202E>` for a right-to-left
 * override, `<U+000D>` for a CR inside a line), so it can be seen and cannot move the cursor,
 * recolour, retitle or reorder what follows. TAB, LF, CRLF line ends and all other text (UTF-8
 * included) are kept as they are.
 */
export function visibleForTerminal(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, codePoint);
}

/** A name shown on one line (a file name in a diff header): like visibleForTerminal, with TAB, LF and every CR shown too. */
export function visibleName(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, codePoint);
}

// JSON.stringify escapes C0 controls but not DEL, C1 or the bidi controls.
const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

/**
 * JSON text (ours, already serialised) with DEL, C1 and bidi controls written as `\uXXXX`
 * escapes: the same value for a parser, nothing a terminal acts on when the JSON is printed.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
