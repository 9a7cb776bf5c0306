import { badRequest } from '../errors';

/** Keyset page cursors: opaque to callers, the id of the last row seen underneath. */
export const encodeCursor = (id: number) => Buffer.from(`i:${id}`).toString('base64url');
export function decodeCursor(cursor: string): number {
  const m = /^i:(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badRequest('cursor is not one this API gave out', [{ path: ['cursor'], message: 'invalid cursor' }]);
  return Number(m[1]);
}
