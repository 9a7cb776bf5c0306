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

const newPassword = z.string().min(10, 'must be at least 10 characters').max(1024);

/** The user's own new password, and the temporary one an administrator sets. */
export const newPasswordBody = z.object({ password: newPassword, currentPassword: z.string().min(1).max(1024).optional() }).strict();
export const passwordResetBody = z.object({ temporaryPassword: newPassword }).strict();

export const userBody = z
  .object({
    email,
    name: text(191),
    password: newPassword,
    role: z.enum(ROLES),
    departments: z.array(z.string().trim().max(64)).max(50).default([]),
    phone: z.string().trim().max(32).optional(),
    sip: z.string().trim().max(191).optional(),
    locale: z.enum(['nb', 'en', 'pl', 'da']).optional(),
  })
  .strict();
