import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * Search as you type by any word of a locality's name ("wies" finds "Nowa Wieś"): each later word
 * of the folded name, on to its end, indexed for a prefix match. Removed with its locality.
 */
export class CreateAddressSearchWords1732460000001 implements MigrationInterface {
  name = 'CreateAddressSearchWords1732460000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'address_locality_words',
      columns: [idColumn(), int('locality_id'), str('word_key', 128)],
      indices: [index('ix_address_locality_words_key', ['word_key', 'locality_id']), index('ix_address_locality_words_locality', ['locality_id'])],
      foreignKeys: [fk('locality_id', 'address_localities', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'address_locality_words');
  }
}
