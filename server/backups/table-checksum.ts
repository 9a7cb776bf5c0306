import { createHmac, type Hmac } from 'node:crypto';

/** A value as either engine's driver hands it back: MariaDB (mysql2, dates and big numbers as strings) or SQLite (safe integers). */
export type CellValue = null | string | number | bigint | Buffer;

export interface TableStats {
  rows: number;
  /** HMAC-SHA256 (hex) of the table's rows in key order, keyed with the backup's salt. */
  checksum: string;
}

/**
 * The checksum of one table, fed row by row in primary-key order. Keyed with a salt that exists only
 * inside the encrypted backup, so the manifest beside it cannot be used to confirm a guess at a
 * small table's content; whoever holds the private key reads the salt and recomputes the same sums.
 * Each value is written with its type and length, so no two different rows encode alike.
 */
export class TableChecksum {
  private readonly hmac: Hmac;
  private count = 0;

  constructor(salt: Buffer, table: string) {
    this.hmac = createHmac('sha256', salt);
    this.text('t', table);
  }

  add(row: readonly CellValue[]): void {
    this.count++;
    this.hmac.update('r');
    for (const v of row) this.value(v);
  }

  done(): TableStats {
    return { rows: this.count, checksum: this.hmac.digest('hex') };
  }

  private value(v: CellValue): void {
    if (v === null || v === undefined) this.hmac.update('n');
    else if (Buffer.isBuffer(v)) {
      this.hmac.update(`b${v.length}:`);
      this.hmac.update(v);
    } else if (typeof v === 'bigint') this.hmac.update(`i${v.toString()};`);
    // Whole numbers from either driver as integers, so 3 and 3n sum alike; others by their shortest round-trip text.
    else if (typeof v === 'number') this.hmac.update(Number.isInteger(v) ? `i${v};` : `f${String(v)};`);
    else this.text('s', String(v));
  }

  private text(tag: string, s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.hmac.update(`${tag}${bytes.length}:`);
    this.hmac.update(bytes);
  }
}
