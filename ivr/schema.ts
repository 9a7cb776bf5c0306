import { z } from 'zod';
import { LANGUAGES, type Lang } from './languages';

/*
 * A voice menu is data: the prompts of every language plus the menu options, checked here before
 * a caller hears anything. A flow that fails these checks is refused at start-up or when the
 * departments change, never half-played to a caller.
 */

/** Every prompt a flow must have, with the placeholders each may use. */
export const PROMPT_PLACEHOLDERS = {
  greeting: [],
  option: ['name', 'digit'],
  caseStatusOption: [],
  switchboardOption: [],
  /** Said in the language `*` switches to, so a caller who does not understand the current one recognises theirs. */
  languageOption: [],
  invalid: [],
  toSwitchboard: [],
  queued: ['name'],
  hold: [],
  closed: ['name'],
  closedOptions: [],
  callbackConfirmed: [],
  goodbye: [],
  statusAskCase: [],
  statusCodeSent: [],
  statusWrongCode: [],
  statusLocked: [],
  statusLimited: [],
  statusNoCases: [],
  statusRead: ['caseNumber', 'title', 'status'],
  statusMore: [],
} as const satisfies Record<string, readonly string[]>;
export type PromptKey = keyof typeof PROMPT_PLACEHOLDERS;
const PROMPT_KEYS = Object.keys(PROMPT_PLACEHOLDERS) as PromptKey[];

const language = z.enum(LANGUAGES);
const promptText = z.string().trim().min(1).max(400);

const promptSet = z
  .object(Object.fromEntries(PROMPT_KEYS.map((k) => [k, promptText])) as Record<PromptKey, typeof promptText>)
  .strict()
  .superRefine((set, ctx) => {
    for (const key of PROMPT_KEYS) {
      const allowed: readonly string[] = PROMPT_PLACEHOLDERS[key];
      for (const m of set[key].matchAll(/\{(\w+)\}/g)) {
        if (!allowed.includes(m[1])) ctx.addIssue({ code: 'custom', path: [key], message: `unknown placeholder {${m[1]}}` });
      }
    }
  });

export const menuOption = z
  .object({
    digit: z.string().regex(/^[1-8]$/, 'a department takes a digit from 1 to 8 (9 is case status, 0 the switchboard)'),
    department: z.string().min(1).max(64),
    /** Name as spoken; one per language, falling back to `name`. */
    name: z.string().trim().min(1).max(120),
    names: z.partialRecord(language, z.string().trim().min(1).max(120)).optional(),
  })
  .strict();

export const flowSchema = z
  .object({
    defaultLanguage: language,
    languages: z.array(language).min(1),
    /** Tries at the menu before the caller goes to the switchboard. */
    maxTries: z.number().int().min(1).max(5),
    gatherTimeoutSeconds: z.number().int().min(2).max(20),
    prompts: z.partialRecord(language, promptSet),
    options: z.array(menuOption).max(8),
    switchboard: z.string().min(1).max(64),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (new Set(f.languages).size !== f.languages.length) ctx.addIssue({ code: 'custom', path: ['languages'], message: 'a language is listed twice' });
    if (!f.languages.includes(f.defaultLanguage))
      ctx.addIssue({ code: 'custom', path: ['defaultLanguage'], message: 'the default language is not among the languages' });
    for (const l of f.languages) {
      if (!f.prompts[l]) ctx.addIssue({ code: 'custom', path: ['prompts', l], message: `no prompts for ${l}` });
    }
    const seen = new Map<string, string>();
    f.options.forEach((o, i) => {
      const other = seen.get(o.digit);
      if (other) ctx.addIssue({ code: 'custom', path: ['options', i, 'digit'], message: `digit ${o.digit} is taken by ${other}` });
      seen.set(o.digit, o.department);
    });
  });

export type Flow = z.infer<typeof flowSchema>;
export type MenuOption = z.infer<typeof menuOption>;
export type PromptSet = Record<PromptKey, string>;

export class FlowError extends Error {
  constructor(readonly issues: { path: (string | number)[]; message: string }[]) {
    super(`Invalid voice flow: ${issues.map((i) => `${i.path.join('.') || '(flow)'}: ${i.message}`).join('; ')}`);
  }
}

/** Validates a flow; the error names every problem with its path. */
export function parseFlow(input: unknown): Flow {
  const r = flowSchema.safeParse(input);
  if (r.success) return r.data;
  throw new FlowError(r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })));
}

/** The prompt in the caller's language with its placeholders filled. */
export function prompt(flow: Flow, lang: Lang, key: PromptKey, vars: Record<string, string | number> = {}): string {
  const set = flow.prompts[lang] ?? flow.prompts[flow.defaultLanguage]!;
  return set[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function optionName(o: MenuOption, lang: Lang): string {
  return o.names?.[lang] ?? o.name;
}
