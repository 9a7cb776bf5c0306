import { en } from './en';
import { nb, type ServerTexts } from './nb';

export type { ServerTexts };
export type TextLang = 'nb' | 'en';

const CATALOGUES: Record<TextLang, ServerTexts> = { nb, en };

/** The server's sentences in one language. The register's own notes are Norwegian (`texts('nb')`). */
export const texts = (lang: TextLang): ServerTexts => CATALOGUES[lang];

/** A text for a reader of either language, Norwegian first: "nb / en". */
export const bilingual = (pick: (t: ServerTexts) => string): string => `${pick(nb)} / ${pick(en)}`;
