/**
 * Messages of the core as templates: an id, the English template and named arguments. A rule
 * reports `...msg('id', 'English {name}', { name })`: the finding keeps the English `message`
 * (rendered once, here) and `l10n` (id, template, arguments), so a client can render it in any
 * locale (`render.ts`). Pure, no allocation beyond the strings when rendering.
 *
 * Template grammar: `{name}` is replaced by the argument `name`; `{^name}` by the argument with
 * its first letter upper-cased (a fragment that opens an English sentence, "Container "app"
 * runs…"; languages without case ignore it). A brace group that names no argument is kept as it
 * is, so `{ contents: read }` or `${{ env.X }}` need no escaping.
 */

/** An argument: a value shown as it is, or a fragment rendered in the same locale. */
export type Arg = string | number | Text;
export type Args = Readonly<Record<string, Arg>>;

/** A localisable text: its id in the catalogues, the English template, the arguments. */
export interface Text {
  readonly id: string;
  readonly en: string;
  readonly args?: Args;
}

/** What a rule spreads into a report or related information: the English message and its template. */
export interface Msg { message: string; l10n: Text }
/** What a fix spreads into itself: the English title and its template. */
export interface Title { title: string; l10n: Text }

/** Looks a template up by id in a locale's catalogue; undefined for English or a missing entry. */
export type Catalogue = Readonly<Record<string, string>> | undefined;

const CLOSE = 125; // }
const CARET = 94; // ^

/**
 * The English of nested fragments, rendered once each: a fragment such as a container's label is
 * an argument of every finding about that container. Texts are never changed once made.
 */
const ENGLISH = new WeakMap<Text, string>();

function argText(value: Arg, catalogue: Catalogue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (catalogue !== undefined) return renderText(value, catalogue);
  let en = ENGLISH.get(value);
  if (en === undefined) ENGLISH.set(value, (en = renderText(value, undefined)));
  return en;
}

/**
 * Fills `template`'s placeholders from `args`, nested fragments rendered with `catalogue`. An
 * argument's name is matched where it stands in the template (messages have one to three), so
 * no name is cut out of the template and looked up as a new string.
 */
export function fill(template: string, args: Args | undefined, catalogue: Catalogue): string {
  if (!args) return template;
  let out = '';
  let from = 0;
  let i = template.indexOf('{');
  while (i >= 0) {
    // Where the name starts, after `{` or `{^`, in one expression: the first `{^` of a run does
    // not find the compiled fill without feedback for an increment (it deoptimised there).
    const upper = template.charCodeAt(i + 1) === CARET;
    const j = i + (upper ? 2 : 1);
    let name: string | undefined;
    for (const key in args) {
      if (template.charCodeAt(j + key.length) === CLOSE && template.startsWith(key, j)) { name = key; break; }
    }
    const value = name === undefined ? undefined : args[name];
    if (value !== undefined) {
      let text = argText(value, catalogue);
      if (upper && text.length > 0) text = text.charAt(0).toUpperCase() + text.slice(1);
      out += template.slice(from, i) + text;
      from = j + name!.length + 1;
      i = template.indexOf('{', from);
    } else {
      i = template.indexOf('{', i + 1);
    }
  }
  return from === 0 ? template : out + template.slice(from);
}

/** A text in the locale of `catalogue` (English when it has no entry for the id). */
export function renderText(text: Text, catalogue: Catalogue): string {
  return fill(catalogue?.[text.id] ?? text.en, text.args, catalogue);
}

/** A fragment: an argument of another message, rendered with it in its locale. */
export function frag(id: string, en: string, args?: Args): Text {
  return args ? { id, en, args } : { id, en };
}

/** A finding's or related information's message: `{ message, l10n }` to spread into the report. */
export function msg(id: string, en: string, args?: Args): Msg {
  const l10n = frag(id, en, args);
  return { message: fill(en, args, undefined), l10n };
}

/** A fix's title: `{ title, l10n }` to spread into the fix. */
export function fixTitle(id: string, en: string, args?: Args): Title {
  const l10n = frag(id, en, args);
  return { title: fill(en, args, undefined), l10n };
}

/** A title given as a plain (English-only) string or as a template. */
export type TitleLike = string | Title;

/** `{ title, l10n? }` of a TitleLike, to spread into a fix. */
export function titleOf(t: TitleLike): { title: string; l10n?: Text } {
  return typeof t === 'string' ? { title: t } : t;
}

/** The English of a text. */
export function english(text: Text): string {
  return fill(text.en, text.args, undefined);
}

/**
 * An error whose message may be given as a template: `message` is its English and `l10n` the
 * template, so a caller shows it in the user's locale (absent when the message is a tool's own
 * words, given as a string).
 */
export class LocalizedError extends Error {
  /** The message as a template, for the user's locale. */
  readonly l10n?: Text;
  constructor(message: string | Text) {
    super(typeof message === 'string' ? message : english(message));
    if (typeof message !== 'string') this.l10n = message;
  }
}
