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
    // Drop databases that a killed earlier run left behind.
    const [rows] = await conn.query("SHOW DATABASES LIKE 'st\\_t\\_%'");
    for (const r of rows as Record<string, string>[]) await conn.query(`DROP DATABASE IF EXISTS \`${Object.values(r)[0]}\``);
    await conn.end();
    process.env.SERVICETORG_TEST_MARIADB = '1';
  } catch (e) {
    if (process.env.CI === 'true') throw new Error(`MariaDB is required under CI=true but is not reachable at ${MARIADB_ADMIN_URL}: ${(e as Error).message}`);
    process.env.SERVICETORG_TEST_MARIADB = '0';
    console.warn(
      `\n!!! SKIPPING every MariaDB test: no MariaDB at ${MARIADB_ADMIN_URL} (${(e as Error).message}).\n` +
        '!!! Start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) or set TEST_MARIADB_URL.\n',
    );
  }
}
