/**
 * plan-rectification (整改方案告知): R-QR-4 the resident is told the plan, the
 * expected completion and what they must do; R-QR-3 in developer cases the
 * property company supervises the works on site. The plan comes from the
 * developer's reply, else from engineering's proposal; progress reports are
 * due every `progressEvery`. Status scheduled.
 */
import { z } from 'zod';

import { isoDateTime, liableParty } from '../domain/schemas.js';
import { calendarOf, date, defineWorker, iso, localTime, optionalText, orderRefs, plus, registerOf, workOrderId } from './support.js';

const DEFAULT_PLAN: Record<z.infer<typeof liableParty>, string> = {
  developer: '由开发商安排维修,物业公司现场监督施工 the developer repairs, the property company supervises on site',
  'warranty-unit': '由管理处联系保修单位安排维修 the office arranges the warranty unit\u2019s repair',
  'maintenance-fund': '经业主委员会同意动用维修基金维修 repaired from the maintenance fund as the owners\u2019 committee approved',
  owner: '业主自行维修,可提供有偿服务 the owner repairs; paid service on offer',
};
const DEFAULT_RESIDENT_ACTION = '请保持电话畅通,按约定时间开门配合施工 keep your phone on and let the workers in at the agreed time';

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: z.string().min(1),
  liableParty,
  proposal: optionalText,
  plan: optionalText,
  etaAt: isoDateTime.nullish(),
  residentAction: optionalText,
});

export const output = z.object({ progressDueAt: z.string(), rectificationEtaAt: z.string().nullable() });

export default defineWorker({
  type: 'plan-rectification',
  input,
  output,
  headers: ['progressEvery'],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const progressDueAt = plus(now, headers.duration('progressEvery'), calendar);
    const plan = vars.plan ?? vars.proposal ?? DEFAULT_PLAN[vars.liableParty];
    const eta = vars.etaAt ? date(vars.etaAt) : undefined;
    const residentAction = vars.residentAction ?? DEFAULT_RESIDENT_ACTION;
    const number = vars.orderNumber ?? vars.workOrderId;

    await registerOf(deps).update(vars.workOrderId, { status: 'rectifying', plan, residentAction, etaAt: eta ?? null });
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'scheduled',
        fields: { qualityStage: 'rectifying', rectificationPlan: plan, rectificationEtaAt: eta ? iso(eta, calendar) : null, residentAction },
      },
      {
        key: `${job.key}:planned`,
        type: 'rectification-planned',
        actor: 'system',
        elementId: job.elementId,
        note: `整改方案 plan: ${plan}${eta ? `; 预计完成 ETA ${localTime(eta, calendar)}` : ''}${vars.liableParty === 'developer' ? '; 物业公司现场监督施工 supervised on site (R-QR-3)' : ''} (R-QR-4)`,
      },
    );
    await deps.orders.openDeadline(vars.workOrderId, { name: 'report-progress', dueAt: progressDueAt });
    // R-QR-4, R-NOTE-1: plan, ETA and what the resident must do.
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'sms',
      text: `您的房屋质量问题 ${number} 整改方案:${plan}。${eta ? `预计完成:${localTime(eta, calendar)}。` : ''}需要您配合:${residentAction}。Plan: ${plan}${eta ? `; expected by ${localTime(eta, calendar)}` : ''}.`,
    });
    return { progressDueAt: iso(progressDueAt, calendar), rectificationEtaAt: eta ? iso(eta, calendar) : null };
  },
});
