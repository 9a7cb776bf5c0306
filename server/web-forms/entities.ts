import { EntitySchema } from 'typeorm';

/** Published web forms (migration 1732300000002). */

export interface WebFormRow {
  id: number;
  slug: string;
  departmentId: number;
  /** The form as data (fields, texts); validated by channels/web-form/definition.ts on the way in and out. */
  definition: unknown;
  active: boolean;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export const WebFormEntity = new EntitySchema<WebFormRow>({
  name: 'WebForm',
  tableName: 'web_forms',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    slug: { type: String, length: 64 },
    departmentId: { type: Number, name: 'department_id' },
    definition: { type: 'simple-json' },
    active: { type: Boolean, default: true },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: { type: 'datetime', name: 'created_at', precision: 3 },
    updatedAt: { type: 'datetime', name: 'updated_at', precision: 3 },
  },
});

export const webFormEntities = [WebFormEntity];
