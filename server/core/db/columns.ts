/** Column definitions every table mapping shares, so each entity file states only what is its own. */
export const id = { type: Number, primary: true, generated: 'increment' } as const;
export const createdAt = { type: 'datetime', name: 'created_at', precision: 3 } as const;
/** A millisecond datetime column under its own name. */
export const at = (name: string, nullable = false) => ({ type: 'datetime', name, precision: 3, nullable }) as const;
