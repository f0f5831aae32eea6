/**
 * POST /api/work-orders/:id/claims: a repair dispute, a loss claim or
 * dissatisfaction with repair quality (R-COMP-1) opens a compensation
 * negotiation (赔付商谈) linked to the order it concerns: a new order of kind
 * `compensation` with its own process, the link on both orders and a line on
 * both timelines. The resident of the order or the staff who handle it
 * (dispatcher, unit, supervisor, manager) may raise it. An `Idempotency-Key`
 * header makes a retried request answer with the same claim.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { getModels } from '../../domain/models.js';
import { claimType } from '../../domain/schemas.js';
import { MongoProcedureLauncher, ProcessNotDeployedError } from '../../domain/services/procedures.js';
import { isObjectIdLike } from '../../domain/services/order-store.js';
import type { ProcessEngine } from '../../engine/port.js';
import { EngineError } from '../../engine/port.js';
import { idParam, text } from '../common-schemas.js';
import { Conflict, Forbidden, NotFound, ServiceUnavailable } from '../errors.js';
import { endpoint, type Endpoint } from '../http.js';
import { isOwnOrder, isStaff } from '../work-orders/policy.js';

export const raiseClaimBody = z
  .object({
    claimType: claimType.describe('dispute = 维修责任认定分歧, loss = 损失赔付, quality-dissatisfaction = 维修质量不满意'),
    claimAmount: z.number().min(0, 'must not be negative').max(100_000_000).optional(),
    description: text(2000).optional(),
  })
  .meta({ id: 'RaiseClaim' });

export const claimView = z
  .object({
    id: z.string(),
    number: z.string(),
    kind: z.literal('compensation'),
    processInstanceKey: z.string(),
    sourceWorkOrderId: z.string(),
    created: z.boolean(),
  })
  .meta({ id: 'Claim' });

const STAFF_WHO_RAISE = new Set(['dispatcher', 'unit', 'supervisor', 'manager']);

export function claimRoutes(conn: Connection, engine: ProcessEngine): Endpoint[] {
  const models = getModels(conn);
  const launcher = new MongoProcedureLauncher(conn, engine, () => engine.clock.now());
  return [
    endpoint({
      method: 'post',
      path: '/work-orders/:id/claims',
      tag: 'work-orders',
      summary: 'Raise a claim on an order: opens a linked compensation negotiation (R-COMP-1)',
      description:
        'The resident of the order or a dispatcher, unit member, supervisor or manager. 409 on a compensation order ' +
        '(claims are raised on the order they concern) or when the compensation model is not deployed.',
      access: 'authenticated',
      params: idParam,
      body: raiseClaimBody,
      status: 201,
      response: claimView,
      errors: [403, 409, 503],
      handle: async ({ user, params, body, req }) => {
        const order = isObjectIdLike(params.id) ? await models.WorkOrder.findById(params.id).lean() : null;
        if (!order || (!isStaff(user) && !isOwnOrder(user, order))) throw new NotFound(`Work order ${params.id} not found.`, 'WORK_ORDER_NOT_FOUND');
        if (!user.roles.some((r) => STAFF_WHO_RAISE.has(r)) && !isOwnOrder(user, order)) {
          throw new Forbidden('Only the resident of the order or the staff handling it may raise a claim.', 'NOT_ALLOWED_TO_CLAIM');
        }
        if (order.kind === 'compensation') throw new Conflict('A claim is raised on the order it concerns, not on a compensation order.', 'ALREADY_A_CLAIM');
        const header = req.get('idempotency-key');
        const key = `claim:${String(order._id)}:${header && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID()}`;
        try {
          const opened = await launcher.open({
            key,
            kind: 'compensation',
            fromWorkOrderId: String(order._id),
            reason:
              body.claimType === 'loss'
                ? `损失赔付 loss claim${body.claimAmount !== undefined ? ` ${body.claimAmount} 元` : ''}`
                : body.claimType === 'dispute'
                  ? '维修责任认定分歧 dispute about responsibility'
                  : '维修质量不满意 dissatisfied with the repair quality',
            actor: user.username,
            actorUserId: user.id,
            ...(body.description ? { description: body.description } : {}),
            claimAmount: body.claimAmount ?? 0,
            variables: { claimType: body.claimType },
          });
          return {
            id: opened.workOrderId,
            number: opened.number,
            kind: 'compensation' as const,
            processInstanceKey: opened.processInstanceKey,
            sourceWorkOrderId: String(order._id),
            created: opened.created,
          };
        } catch (err) {
          if (err instanceof ProcessNotDeployedError) {
            throw new Conflict(`The process "${err.bpmnProcessId}" is not deployed; a process owner must deploy it first.`, 'PROCESS_NOT_DEPLOYED');
          }
          if (err instanceof EngineError && err.code === 'UNAVAILABLE') throw new ServiceUnavailable(`The process engine is not available: ${err.message}`, 'ENGINE_UNAVAILABLE');
          throw err;
        }
      },
    }),
  ];
}
