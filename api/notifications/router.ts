/**
 * GET /api/notifications: the caller's messages from the outbox (the default
 * channel stores them; this is where a resident reads them in the app).
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { getModels } from '../../domain/models.js';
import type { AuthUser } from '../auth/service.js';
import { endpoint, type Endpoint } from '../http.js';

export const notificationsQuery = z.object({
  workOrderId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const notificationView = z.object({
  id: z.string(),
  workOrderId: z.string().nullable(),
  to: z.string(),
  channel: z.enum(['app', 'sms', 'phone']),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
});

/**
 * Addresses that reach the caller: their user, their roles and extra candidate
 * groups (e.g. the night monitoring centre, R-WO-5) as groups, their unit;
 * residents their own orders.
 */
function addressesOf(user: AuthUser): Record<string, unknown> {
  const groups = new Set([...user.roles, ...user.groups.filter((g) => !g.startsWith('unit:'))]);
  const or: Record<string, unknown>[] = [
    { to: `user:${user.username}` },
    { to: { $in: [...groups].map((g) => `group:${g}`) } },
  ];
  if (user.unitId) or.push({ to: `unit:${user.unitId}` });
  if (user.roles.includes('resident')) or.push({ recipientUserId: user.id });
  // Notices to every resident of a community (停水停电通知, R-OUT-1).
  if (user.roles.includes('resident') && user.flat) or.push({ to: `residents:${user.flat.communityId}` });
  return { $or: or };
}

export function notificationRoutes(conn: Connection): Endpoint[] {
  const models = getModels(conn);
  return [
    endpoint({
      method: 'get',
      path: '/notifications',
      tag: 'notifications',
      summary: "The caller's notifications (app channel and copies of SMS / phone messages)",
      access: 'authenticated',
      query: notificationsQuery,
      response: z.object({ items: z.array(notificationView) }),
      handle: async ({ user, query }) => {
        const filter: Record<string, unknown> = { ...addressesOf(user), ...(query.workOrderId ? { workOrderId: query.workOrderId } : {}) };
        const docs = await models.Notification.find(filter).sort({ createdAt: -1 }).limit(query.limit).lean();
        return {
          items: docs.map((n) => ({
            id: String(n._id),
            workOrderId: n.workOrderId ?? null,
            to: n.to,
            channel: n.channel,
            text: n.text,
            status: n.status,
            createdAt: new Date(n.createdAt).toISOString(),
          })),
        };
      },
    }),
  ];
}
