import type { Request } from 'express';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A message in every language the contracts speak. */
export type LocalizedText = Record<Language, string>;

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in session's language, set by the auth guard. */
    sessionLanguage?: Language;
  }
}

/** The session's language, else the first supported one in Accept-Language, else the fallback. */
export function requestLanguage(req: Request, fallback: Language): Language {
  if (req.sessionLanguage) return req.sessionLanguage;
  const accepted = req.acceptsLanguages([...LANGUAGES]);
  return typeof accepted === 'string' && (LANGUAGES as readonly string[]).includes(accepted) ? (accepted as Language) : fallback;
}

/** Fills `{name}` placeholders. */
export function format(text: LocalizedText, params: Record<string, string | number>): LocalizedText {
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
  return { ru: fill(text.ru), en: fill(text.en) };
}
