import { z } from 'zod';
import { ROLES } from '../../domain/user.model.js';

export const loginBody = z.object({
  username: z.string().trim().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(200),
});

export const flatSchema = z.object({ communityId: z.string(), address: z.string() });

export const publicUserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    roles: z.array(z.enum(ROLES)),
    communities: z.array(z.string()),
    unitId: z.string().optional(),
    groups: z.array(z.string()).describe('candidate groups: role names plus unit:<unitId>'),
    flat: flatSchema.optional().describe("a resident's flat"),
  })
  .meta({ id: 'User' });

export const loginResponse = z
  .object({ token: z.string().describe('bearer token'), expiresAt: z.string(), user: publicUserSchema })
  .meta({ id: 'LoginResponse' });

export const rolesResponse = z.object({
  roles: z.array(z.object({ role: z.enum(ROLES), description: z.string() })),
});
