import { EntitySchema } from 'typeorm';
import { createdAt, id } from '../core/db/columns';
import type { OpeningHours } from '../contracts/views';

export type { OpeningHours };

/** The municipality's departments and the numbers and mailboxes they own. */

export interface Department {
  id: number;
  code: string;
  name: string;
  menuDigit: number | null;
  email: string | null;
  openingHours: OpeningHours | null;
  createdAt: Date;
}
export const DepartmentEntity = new EntitySchema<Department>({
  name: 'Department',
  tableName: 'departments',
  columns: {
    id,
    code: { type: String, length: 64 },
    name: { type: String, length: 191 },
    menuDigit: { type: Number, name: 'menu_digit', nullable: true },
    email: { type: String, length: 191, nullable: true },
    openingHours: { type: 'simple-json', name: 'opening_hours', nullable: true },
    createdAt,
  },
});

export interface DepartmentAddress {
  id: number;
  departmentId: number;
  channel: 'sms' | 'phone' | 'email';
  address: string;
  isDefault: boolean;
}
export const DepartmentAddressEntity = new EntitySchema<DepartmentAddress>({
  name: 'DepartmentAddress',
  tableName: 'department_addresses',
  columns: {
    id,
    departmentId: { type: Number, name: 'department_id' },
    channel: { type: String, length: 16 },
    address: { type: String, length: 191 },
    isDefault: { type: Boolean, name: 'is_default', default: false },
  },
});
