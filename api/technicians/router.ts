/**
 * Smart dispatch through the API (R-DISP-1) for any order, e.g. a repair:
 *   GET  /api/technicians                         the technicians with skills, building and load
 *   GET  /api/work-orders/:id/technician-proposal  the best technician for the order, with the reason and the ranking
 *   POST /api/work-orders/:id/technician           a supervisor (or the unit) confirms or changes the technician;
 *                                                   the load follows the order, the timeline and the resident are told (R-NOTE-1)
 * Inside quality rectification and compensation the same is a model step
 * (propose-technician → dispatch-technician → assign-technician).
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { buildingOf, proposeTechnician, scoreTechnician, skillFor } from '../../domain/dispatch.js';
import { getModels } from '../../domain/models.js';
import { OutboxNotifier } from '../../domain/services/notifier.js';
import { isObjectIdLike, MongoOrderStore } from '../../domain/services/order-store.js';
import { MongoTechnicianPool } from '../../domain/services/technicians.js';
import { technicianLoadOf } from '../work-orders/ledger-index.js';
import type { ProcessEngine } from '../../engine/port.js';
import { idParam, text } from '../common-schemas.js';
import { Conflict, NotFound, ValidationError } from '../errors.js';
import { endpoint, type Endpoint } from '../http.js';

const OPERATIONS = ['dispatcher', 'unit', 'supervisor', 'manager', 'admin'] as const;
const ENDED = new Set(['closed', 'withdrawn', 'rejected']);

const technicianView = z.object({
  id: z.string(),
  name: z.string(),
  unitId: z.string(),
  skills: z.array(z.string()),
  homeBuilding: z.string().nullable(),
  load: z.number(),
});

export const assignTechnicianBody = z
  .object({ technicianId: z.string().regex(/^[\w.-]{1,32}$/, 'is not a technician id'), note: text(500).optional() })
  .meta({ id: 'AssignTechnician' });

export function technicianRoutes(conn: Connection, engine: ProcessEngine, options: { ledgerIndex?: boolean } = {}): Endpoint[] {
  const models = getModels(conn);
  const now = () => engine.clock.now();
  // Loads counted in the ledger index where it is on (a search of the orders otherwise).
  const pool = new MongoTechnicianPool(conn, options.ledgerIndex === false ? undefined : technicianLoadOf(conn));
  const orders = new MongoOrderStore(conn, now);
  const notifier = new OutboxNotifier(conn, now);

  const loadOrder = async (id: string) => {
    const order = isObjectIdLike(id) ? await models.WorkOrder.findById(id).lean() : null;
    if (!order) throw new NotFound(`Work order ${id} not found.`, 'WORK_ORDER_NOT_FOUND');
    return order;
  };
  const unitOf = async (order: { assignedUnitId?: string | null; communityId: string }): Promise<string | undefined> =>
    order.assignedUnitId ?? (await models.Community.findById(order.communityId, { firstUnitId: 1 }).lean())?.firstUnitId;

  return [
    endpoint({
      method: 'get',
      path: '/technicians',
      tag: 'dispatch',
      summary: 'Technicians with skills, home building and current load (R-DISP-1)',
      access: OPERATIONS,
      query: z.object({ unitId: z.string().regex(/^[\w.:-]{1,32}$/).optional() }),
      response: z.object({ items: z.array(technicianView) }),
      handle: async ({ query }) => {
        const technicians = await pool.list(query.unitId);
        return {
          items: technicians.map((t) => ({ id: t.id, name: t.name, unitId: t.unitId, skills: t.skills, homeBuilding: t.homeBuilding ?? null, load: t.load })),
        };
      },
    }),
    endpoint({
      method: 'get',
      path: '/work-orders/:id/technician-proposal',
      tag: 'dispatch',
      summary: "The best technician of the order's unit by skill, building and load, with the reason (R-DISP-1)",
      access: OPERATIONS,
      params: idParam,
      response: z.object({
        unitId: z.string().nullable(),
        need: z.object({ skill: z.string(), building: z.string().nullable() }),
        proposal: z.object({ technicianId: z.string(), name: z.string(), reason: z.string(), score: z.number() }).nullable(),
        candidates: z.array(technicianView.extend({ score: z.number() })),
      }),
      handle: async ({ params }) => {
        const order = await loadOrder(params.id);
        const unitId = await unitOf(order);
        const need = { skill: skillFor(order.faultType, order.description), building: buildingOf(order.address) };
        const candidates = unitId ? await pool.candidates(unitId, order.communityId) : [];
        const proposal = proposeTechnician(candidates, need);
        return {
          unitId: unitId ?? null,
          need: { skill: need.skill, building: need.building ?? null },
          proposal: proposal ? { technicianId: proposal.technician.id, name: proposal.technician.name, reason: proposal.reason, score: proposal.score } : null,
          candidates: candidates
            .map((t) => ({ id: t.id, name: t.name, unitId: t.unitId, skills: t.skills, homeBuilding: t.homeBuilding ?? null, load: t.load, score: scoreTechnician(t, need) }))
            .sort((a, b) => b.score - a.score || a.load - b.load || a.id.localeCompare(b.id)),
        };
      },
    }),
    endpoint({
      method: 'post',
      path: '/work-orders/:id/technician',
      tag: 'dispatch',
      summary: 'Confirm or change the technician of an order (supervisor or the unit); the resident is told (R-DISP-1, R-NOTE-1)',
      description: '409 when the order has ended; 400 when the technician is unknown or not of the order\'s unit.',
      access: ['unit', 'supervisor', 'manager'],
      params: idParam,
      body: assignTechnicianBody,
      errors: [409],
      response: z.object({ workOrderId: z.string(), technicianId: z.string(), name: z.string(), previous: z.string().nullable(), changed: z.boolean() }),
      handle: async ({ user, params, body }) => {
        const order = await loadOrder(params.id);
        if (ENDED.has(order.status)) throw new Conflict(`The order is ${order.status}: no technician can be sent.`, 'ORDER_ENDED');
        const unitId = await unitOf(order);
        const technician = await pool.get(body.technicianId);
        if (!technician || (unitId && technician.unitId !== unitId)) {
          throw new ValidationError('The request is invalid.', [{ path: 'technicianId', message: `is not a technician of unit ${unitId ?? '-'}` }]);
        }
        if (user.roles.every((r) => r === 'unit') && user.unitId !== unitId) throw new NotFound(`Work order ${params.id} not found.`, 'WORK_ORDER_NOT_FOUND');
        const previousId = typeof order.fields?.['technicianRecordId'] === 'string' ? (order.fields['technicianRecordId'] as string) : null;
        const changed = previousId !== null && previousId !== technician.id;
        if (previousId === technician.id) {
          return { workOrderId: params.id, technicianId: technician.id, name: technician.name, previous: previousId, changed: false };
        }
        const key = `technician:${params.id}:${technician.id}:${order.version}`;
        await orders.update(
          params.id,
          { technicianId: technician.username ?? technician.id, fields: { technicianRecordId: technician.id, technicianName: technician.name } },
          {
            key,
            type: changed ? 'technician-changed' : 'technician-assigned',
            actor: user.username,
            note: `${changed ? '改派' : '派工'} ${technician.name} (${technician.id})${body.note ? `: ${body.note}` : ''} (R-DISP-1)`,
          },
        );
        await notifier.send({
          key: `${key}:resident`,
          workOrderId: params.id,
          to: 'resident',
          channel: 'sms',
          text: `${changed ? '【变更】' : ''}${order.number}:维修人员 ${technician.name}${technician.phone ? `(${technician.phone})` : ''} 将为您上门处理。${changed ? 'Changed: ' : ''}${technician.name} will come to you.`,
        });
        return { workOrderId: params.id, technicianId: technician.id, name: technician.name, previous: previousId, changed };
      },
    }),
  ];
}
