/**
 * Which of our locales a user's or a tool's locale names. Apart from the catalogues (index.ts), so
 * the extension's activation bundle can decide the locale without bundling them.
 */

/** Locales with a catalogue of their own; anything else reads English. */
export type Locale = 'en' | 'zh-cn';
export const LOCALES: readonly Locale[] = ['en', 'zh-cn'];

/**
 * A locale as users and tools spell it (`zh-cn`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh`, VS
 * Code's `zh-cn`) mapped to one we have; English for anything else (`C`, `POSIX`, `en_US`, `fr`,
 * `zh-TW`: no Traditional Chinese catalogue, and Simplified is not what its readers asked for).
 */
export function normalizeLocale(value: string | undefined | null): Locale {
  if (!value) return 'en';
  const tag = value.trim().split(/[.@]/)[0].replace(/_/g, '-').toLowerCase();
  if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag === 'zh-hans' || tag.startsWith('zh-hans-')) return 'zh-cn';
  return 'en';
}

