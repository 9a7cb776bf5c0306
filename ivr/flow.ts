import defaultFlow from './flows/default.json';
import { parseFlow, type Flow, type MenuOption } from './schema';

export interface MenuDepartment {
  code: string;
  name: string;
  menuDigit: number | null;
}

/**
 * The menu callers hear: the prompts of a flow file plus the departments that hold a menu digit,
 * validated as one flow. Departments come from the database, so this runs whenever they change.
 */
export function buildFlow(departments: MenuDepartment[], base: unknown = defaultFlow, switchboard = 'switchboard'): Flow {
  const options: MenuOption[] = departments
    .filter((d) => d.menuDigit !== null && d.code !== switchboard)
    .sort((a, b) => (a.menuDigit ?? 0) - (b.menuDigit ?? 0))
    .map((d) => ({ digit: String(d.menuDigit), department: d.code, name: d.name }));
  return parseFlow({ ...(base as object), options, switchboard });
}
