import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bool, int, isMysql } from './helpers';

/**
 * Who may write into whose inquiry (issue 12). `refers_to_inquiry_id`: a message that named an
 * inquiry (its tag, or a Message-ID of its mails) but came from someone who is not that inquiry's
 * citizen opens an inquiry of its own that points at the one named, for an agent to check.
 * `case_mentioned`: the inquiry names its case, but its sender is not a party on the case, so the
 * screen pop and the journal do not treat it as the citizen's case.
 *
 * No foreign key on the reference: it is a pointer for staff, and SQLite cannot drop a column
 * that carries one. On SQLite the columns are added with plain ALTER TABLE, which changes the
 * schema in place: the schema builder would rebuild `inquiries` (copy every row into a new table),
 * which on a large register is a long write for a change that needs none.
 */
export class InquiryReferencesAndCaseMentions1732430000001 implements MigrationInterface {
  name = 'InquiryReferencesAndCaseMentions1732430000001';

  async up(q: QueryRunner): Promise<void> {
    const mysql = isMysql(q);
    if (!(await q.hasColumn('inquiries', 'refers_to_inquiry_id'))) {
      if (mysql) await q.addColumn('inquiries', new TableColumn(int('refers_to_inquiry_id', true)));
      else await q.query('ALTER TABLE "inquiries" ADD COLUMN "refers_to_inquiry_id" integer');
    }
    if (!(await q.hasColumn('inquiries', 'case_mentioned'))) {
      if (mysql) await q.addColumn('inquiries', new TableColumn(bool('case_mentioned', false)));
      else await q.query('ALTER TABLE "inquiries" ADD COLUMN "case_mentioned" boolean NOT NULL DEFAULT (0)');
      // Links made before were never checked: a citizen's inquiry keeps its case only as a mention
      // unless its contact is a party on that case, by the same rule new messages follow now.
      await q.query(
        "UPDATE inquiries SET case_mentioned = 1 WHERE case_id IS NOT NULL AND direction = 'in' AND (contact_id IS NULL OR NOT EXISTS " +
          '(SELECT 1 FROM case_contacts cc WHERE cc.case_id = inquiries.case_id AND cc.contact_id = inquiries.contact_id))',
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['case_mentioned', 'refers_to_inquiry_id']) {
      if (!(await q.hasColumn('inquiries', column))) continue;
      if (isMysql(q)) await q.dropColumn('inquiries', column);
      else await q.query(`ALTER TABLE "inquiries" DROP COLUMN "${column}"`);
    }
  }
}
