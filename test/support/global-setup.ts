import mysql from 'mysql2/promise';

export const MARIADB_ADMIN_URL = process.env.TEST_MARIADB_URL || 'mysql://root@127.0.0.1:3306/test';

/**
 * Finds out once whether MariaDB is there. Under CI=true a missing server fails the run; on a
 * developer machine the MariaDB half of every suite is skipped with a line saying so.
 */
export default async function globalSetup() {
  try {
    const conn = await mysql.createConnection({ uri: MARIADB_ADMIN_URL, connectTimeout: 3000 });
    await conn.query('SELECT 1');
    // Drop databases that a killed run left behind over an hour ago; younger ones may belong to a
    // run going on beside this one.
    const [rows] = await conn.query("SHOW DATABASES LIKE 'st\\_t\\_%'");
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    for (const r of rows as Record<string, string>[]) {
      const name = Object.values(r)[0];
      const born = Number(/^st_t_(\d+)_/.exec(name)?.[1] ?? 0);
      if (born < hourAgo) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
    await conn.end();
    process.env.SERVICETORG_TEST_MARIADB = '1';
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(`MariaDB is required under CI=true but is not reachable at ${MARIADB_ADMIN_URL}: ${(e as Error).message}`, { cause: e });
    process.env.SERVICETORG_TEST_MARIADB = '0';
    console.warn(
      `\n!!! SKIPPING every MariaDB test: no MariaDB at ${MARIADB_ADMIN_URL} (${(e as Error).message}).\n` +
        '!!! Start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) or set TEST_MARIADB_URL.\n',
    );
  }
}
