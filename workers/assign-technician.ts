/**
 * assign-technician (派工): R-DISP-1 the technician the supervisor confirmed
 * (or named instead of the proposal) is assigned: the order names them (and
 * so counts in their load while it is open); R-NOTE-1 the resident
 * is told who comes, with the phone, and — when the supervisor changed the
 * proposal or an earlier assignment — that it changed.
 */
import { z } from 'zod';

import { defineWorker, JobFailure, optionalText, orderRefs, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  ...orderRefs,
  technicianId: optionalText,
  proposedTechnicianId: optionalText,
  assignedTechnicianId: optionalText,
  note: optionalText,
});

export const output = z.object({ assignedTechnicianId: z.string() });

export default defineWorker({
  type: 'assign-technician',
  input,
  output,
  async run({ job, vars, deps }) {
    const pool = deps.technicians;
    if (!pool) throw new JobFailure('no technician pool is wired into the workers (deps.technicians)');
    const chosen = vars.technicianId ?? vars.proposedTechnicianId;
    if (!chosen) throw new JobFailure('no technician: there was no proposal and the supervisor named none');
    // Name, phone and login only: without their load (counting it searches every order).
    const technician = await pool.get(chosen, { load: false });
    if (!technician) throw new JobFailure(`technician <${chosen}> is unknown`);
    const changedFromProposal = vars.technicianId !== undefined && vars.technicianId !== null && vars.technicianId !== vars.proposedTechnicianId;
    const previous = vars.assignedTechnicianId && vars.assignedTechnicianId !== chosen ? vars.assignedTechnicianId : undefined;

    await deps.orders.update(
      vars.workOrderId,
      {
        // The order names the technician by their login when they have one (R-LED-1: the assigned technician sees the reporter).
        technicianId: technician.username ?? chosen,
        fields: { technicianRecordId: chosen, technicianName: technician.name, technicianChangedFromProposal: changedFromProposal },
      },
      {
        key: `${job.key}:assigned`,
        type: previous ? 'technician-changed' : 'technician-assigned',
        actor: 'system',
        elementId: job.elementId,
        note: `派工 ${technician.name} (${chosen})${changedFromProposal ? ',主管改派 changed by the supervisor from the proposal' : ',按建议 as proposed'}${vars.note ? `: ${vars.note}` : ''} (R-DISP-1)`,
      },
    );
    const number = vars.orderNumber ?? vars.workOrderId;
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'sms',
      text: `${previous ? '【变更】' : ''}${number}:维修人员 ${technician.name}${technician.phone ? `(${technician.phone})` : ''} 将为您上门处理。${previous ? 'Changed: ' : ''}${technician.name} will come to you.`,
    });
    return { assignedTechnicianId: chosen };
  },
});
