import { EntitySchema } from 'typeorm';
import { id } from '../core/db/columns';

/**
 * A locality's folded name from each of its later words on ("nowa wies" → "wies"), so "wies" finds
 * "Nowa Wieś" by one indexed prefix match on any engine; the whole name is searched on
 * address_localities.name_key itself. Streets need no such table: they are searched within one
 * locality, whose few thousand streets at most are read from the (locality_id, name_key) index.
 */
export interface LocalityWord {
  id: number;
  localityId: number;
  wordKey: string;
}
export const LocalityWordEntity = new EntitySchema<LocalityWord>({
  name: 'LocalityWord',
  tableName: 'address_locality_words',
  columns: {
    id,
    localityId: { type: Number, name: 'locality_id' },
    wordKey: { type: String, length: 128, name: 'word_key' },
  },
});

export const addressRegisterEntities = [LocalityWordEntity];
