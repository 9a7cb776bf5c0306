import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The front desk's search box finds a citizen by name as typed: `name_key` is the folded name
 * ("Åse Bøe-Ødegård" → "ase boe odegard"), `name_key_second` and `name_key_last` the same turned to
 * start at the second and at the last word, so a prefix match on one of them finds a person by
 * first name, middle name or either half of a surname.
 * Both are filled by the application (folding is code, not SQL); contacts that were there before
 * are filled in the background at start-up (ContactRepository.fillNameKeys).
 */
export class ContactNameKeys1732515000001 implements MigrationInterface {
  name = 'ContactNameKeys1732515000001';

  async up(q: QueryRunner): Promise<void> {
    const contacts = await q.getTable('contacts');
    for (const name of ['name_key', 'name_key_second', 'name_key_last']) {
      if (!contacts?.columns.some((c) => c.name === name))
        await q.addColumn('contacts', new TableColumn({ name, type: 'varchar', length: '191', isNullable: true }));
      if (!contacts?.indices.some((i) => i.name === `ix_contacts_${name}`))
        await q.createIndex('contacts', new TableIndex({ name: `ix_contacts_${name}`, columnNames: [name] }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['name_key_last', 'name_key_second', 'name_key']) {
      await q.dropIndex('contacts', `ix_contacts_${name}`);
      await q.dropColumn('contacts', name);
    }
  }
}
