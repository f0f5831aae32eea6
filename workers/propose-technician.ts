/**
 * propose-technician (智能派工建议): R-DISP-1 the dispatch step suggests a
 * technician of the unit by repair type (skill), location (home building) and
 * current load, with the reason; the supervisor confirms or changes it in the
 * next step (dispatch-technician). No technician at all: the proposal is
 * empty and the supervisor names one.
 */
import { z } from 'zod';

import { buildingOf, proposeTechnician, skillFor } from '../domain/dispatch.js';
import { defineWorker, JobFailure, optionalText, orderRefs, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: z.string().min(1),
  currentUnitId: z.string().min(1),
  faultType: optionalText,
  description: optionalText,
  address: optionalText,
});

export const output = z.object({
  proposedTechnicianId: z.string().nullable(),
  proposalReason: z.string(),
});

export default defineWorker({
  type: 'propose-technician',
  input,
  output,
  async run({ job, vars, deps }) {
    if (!deps.technicians) throw new JobFailure('no technician pool is wired into the workers (deps.technicians)');
    const need = { skill: skillFor(vars.faultType, vars.description), building: buildingOf(vars.address) };
    const proposal = proposeTechnician(await deps.technicians.candidates(vars.currentUnitId, vars.communityId), need);
    const reason = proposal ? `${proposal.technician.name}: ${proposal.reason}` : `单位 ${vars.currentUnitId} 无可派维修人员,请主管指定 no technician available: the supervisor names one`;
    await deps.orders.update(
      vars.workOrderId,
      { fields: { proposedTechnicianId: proposal?.technician.id ?? null, proposalReason: reason, neededSkill: need.skill } },
      { key: `${job.key}:proposed`, type: 'technician-proposed', actor: 'system', elementId: job.elementId, note: `智能派工建议 proposed technician (R-DISP-1): ${reason}` },
    );
    return { proposedTechnicianId: proposal?.technician.id ?? null, proposalReason: reason };
  },
});
