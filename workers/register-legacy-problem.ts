/**
 * register-legacy-problem (录入工程遗留问题汇总表): R-QR-1 the confirmed
 * problem goes into the legacy-problem register with a coordination sheet
 * (工作协调单) the dispatcher follows up; R-QR-2 the responsible party
 * (developer / warranty unit / maintenance fund / owner) is recorded. Without
 * a finding of engineering the party stays the developer, as reported.
 */
import { z } from 'zod';

import { liableParty } from '../domain/schemas.js';
import { coordinationSheetNumber, defineWorker, optionalText, orderRefs, registerOf, workOrderId } from './support.js';

const PARTY: Record<z.infer<typeof liableParty>, string> = {
  developer: '开发商 developer',
  'warranty-unit': '保修单位 warranty unit',
  'maintenance-fund': '物业维修基金 maintenance fund (业主委员会 owners\u2019 committee decides)',
  owner: '业主 owner',
};

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: z.string().min(1),
  address: optionalText,
  description: optionalText,
  liableParty: liableParty.nullish(),
  finding: optionalText,
  proposal: optionalText,
});

export const output = z.object({ liableParty, coordinationSheetNumber: z.string() });

export default defineWorker({
  type: 'register-legacy-problem',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const party = vars.liableParty ?? 'developer';
    const number = vars.orderNumber ?? vars.workOrderId;
    const sheet = coordinationSheetNumber(number);
    await registerOf(deps).register({
      workOrderId: vars.workOrderId,
      orderNumber: number,
      communityId: vars.communityId,
      address: vars.address ?? '',
      description: vars.description ?? '',
      ...(vars.sourceWorkOrderId ? { sourceWorkOrderId: vars.sourceWorkOrderId } : {}),
      liableParty: party,
      ...(vars.finding ? { finding: vars.finding } : {}),
      ...(vars.proposal ? { proposal: vars.proposal } : {}),
      coordinationSheetNumber: sheet,
      at: now,
    });
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'on-site',
        fields: {
          qualityStage: 'registered',
          liableParty: party,
          finding: vars.finding ?? null,
          proposal: vars.proposal ?? null,
          coordinationSheet: true,
          coordinationSheetNumber: sheet,
          legacyRegisteredAt: now.toISOString(),
        },
      },
      {
        key: `${job.key}:registered`,
        type: 'legacy-problem-registered',
        actor: 'system',
        elementId: job.elementId,
        note: `现场确认,录入工程遗留问题汇总表,开工作协调单 ${sheet};责任方 ${PARTY[party]} (R-QR-1, R-QR-2)`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:group:dispatcher`,
      workOrderId: vars.workOrderId,
      to: 'group:dispatcher',
      channel: 'app',
      text: `质量问题 ${number} 已录入工程遗留问题汇总表,工作协调单 ${sheet},请每日跟进。Registered; follow coordination sheet ${sheet} daily.`,
    });
    return { liableParty: party, coordinationSheetNumber: sheet };
  },
});
