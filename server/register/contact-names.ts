import { fold } from '../core/search-fold';

/** Longest key the indexed columns hold. */
const KEY_LENGTH = 191;

export interface NameKeys {
  nameKey: string | null;
  nameKeySecond: string | null;
  nameKeyLast: string | null;
}

/**
 * A name's search keys: folded ("Åse Bøe-Ødegård" → "ase boe odegard"), and the same turned to
 * start at its second word ("boe odegard ase") and at its last ("odegard ase boe"), so a prefix
 * finds a person by first name, by either half of a double surname or by a middle name, and
 * "odegard a" narrows to the right Ødegård. A name of four words or more is not found by its
 * third; the front desk types the first or the last.
 */
export function nameKeys(name: string | null | undefined): NameKeys {
  const key = name ? fold(name.slice(0, 400)).slice(0, KEY_LENGTH).trim() : '';
  if (!key) return { nameKey: null, nameKeySecond: null, nameKeyLast: null };
  const words = key.split(' ');
  const from = (i: number) => [...words.slice(i), ...words.slice(0, i)].join(' ').slice(0, KEY_LENGTH);
  return {
    nameKey: key,
    nameKeySecond: words.length >= 2 ? from(1) : null,
    nameKeyLast: words.length >= 3 ? from(words.length - 1) : null,
  };
}

/** The columns that hold the keys, each indexed. */
export const NAME_KEY_COLUMNS = ['name_key', 'name_key_second', 'name_key_last'] as const;
