import { z } from 'zod';
import { ROLES } from '../contracts/names';
import { email, text } from '../core/http/schemas';

/** Log-in, TOTP and user administration bodies. */

export const loginBody = z
  .object({
    email: z.string().trim().max(191),
    password: z.string().min(1).max(1024),
    totp: z
      .string()
      .regex(/^\d{6}$/, 'must be 6 digits')
      .optional(),
  })
  .strict();

export const totpBody = z.object({ totp: z.string().regex(/^\d{6}$/, 'must be 6 digits') }).strict();

export const userBody = z
  .object({
    email,
    name: text(191),
    password: z.string().min(10, 'must be at least 10 characters').max(1024),
    role: z.enum(ROLES),
    departments: z.array(z.string().trim().max(64)).max(50).default([]),
    phone: z.string().trim().max(32).optional(),
    sip: z.string().trim().max(191).optional(),
    locale: z.enum(['nb', 'en', 'pl', 'da']).optional(),
  })
  .strict();
