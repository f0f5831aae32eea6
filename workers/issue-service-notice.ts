/**
 * issue-service-notice (开有偿服务通知单): R-PAID-4 — the service notice, one
 * copy each (一式三联) to finance, to the department that does the job
 * (engineering or cleaning) and to the archive, as the `copies` header lists
 * them; staff go at the agreed time. R-PAID-2 — the reply with the appointment
 * time was given now: the paid-reply deadline is met (or stays breached).
 * R-NOTE-1 — the resident is told who comes, when, and the fee.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { defineWorker, JobFailure, optionalDate, optionalText, outcomeAt, workOrderId } from './support.js';
import { isoIn, localText, zoneOf } from './service-support.js';

const COPIES = ['finance', 'department', 'archive'] as const;

const DEPARTMENT_LABEL = { engineering: '工程部 engineering', cleaning: '保洁部 cleaning' } as const;

export const input = z.object({
  workOrderId,
  orderNumber: z.string().min(1),
  communityId: z.string().min(1),
  currentUnitId: z.string().min(1),
  appointmentAt: isoDateTime,
  inCatalogue: z.boolean(),
  serviceFee: z.number().min(0).nullish(),
  /** R-PAID-3: the assessed fee of an item outside the catalogue. */
  fee: z.number().min(0).nullish(),
  serviceItem: optionalText,
  catalogueItemId: optionalText,
  description: optionalText,
  department: z.enum(['engineering', 'cleaning']).nullish(),
  replyDueAt: optionalDate,
});

export const output = z.object({
  serviceNoticeNumber: z.string(),
  agreedFee: z.number(),
});

export default defineWorker({
  type: 'issue-service-notice',
  input,
  output,
  headers: ['copies'],
  async run({ job, vars, deps, headers, now }) {
    const copies = headers.list('copies');
    const unknown = copies.filter((c) => !(COPIES as readonly string[]).includes(c));
    if (copies.length === 0 || unknown.length) throw new JobFailure(`task header <copies> must list ${COPIES.join(', ')}; got <${copies.join(',')}>`);
    const agreedFee = vars.inCatalogue ? vars.serviceFee : vars.fee;
    if (typeof agreedFee !== 'number') throw new JobFailure('no agreed fee: neither a catalogue price (serviceFee) nor an assessed fee (fee)');
    const zone = await zoneOf(deps, vars.communityId);
    const appointment = new Date(vars.appointmentAt);
    const number = `${vars.orderNumber}-TZ`;
    const department = vars.department ?? 'engineering';
    const item = vars.serviceItem ?? vars.description ?? '';
    const text =
      `【有偿服务通知单 ${number}】${item},约定 ${localText(appointment, zone)} 上门,收费 ¥${agreedFee}` +
      ` Paid-service notice ${number}: ${localText(appointment, zone)}, fee ¥${agreedFee}`;

    await deps.orders.closeDeadline(vars.workOrderId, 'paid-reply', outcomeAt(now, vars.replyDueAt), now);
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'scheduled',
        assignedUnitId: vars.currentUnitId,
        fields: {
          desiredTime: appointment,
          agreedFee,
          serviceNotice: { number, issuedAt: now, appointmentAt: isoIn(appointment, zone), fee: agreedFee, department, copies },
        },
      },
      { key: `${job.key}:notice`, type: 'service-notice', actor: 'system', elementId: job.elementId, note: text },
    );
    for (const copy of copies) {
      if (copy === 'finance') {
        await deps.notifier.send({ key: `${job.key}:finance`, workOrderId: vars.workOrderId, to: 'group:finance', channel: 'app', text: `${text}(财务联 finance copy)` });
      } else if (copy === 'department') {
        await deps.notifier.send({
          key: `${job.key}:department`,
          workOrderId: vars.workOrderId,
          to: `unit:${vars.currentUnitId}`,
          channel: 'sms',
          text: `${text}(${DEPARTMENT_LABEL[department]}联,请按约定时间携单上门 department copy: go at the agreed time)`,
        });
      } else {
        await deps.orders.addTimeline(vars.workOrderId, {
          key: `${job.key}:archive`,
          type: 'service-notice-archived',
          actor: 'system',
          elementId: job.elementId,
          note: `通知单 ${number} 存档联已归档 archive copy filed`,
        });
      }
    }
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'sms',
      text: `您的有偿服务 ${vars.orderNumber} 已安排:${localText(appointment, zone)} 上门,收费 ¥${agreedFee}(材料另计)。We come at ${localText(appointment, zone)}; fee ¥${agreedFee} plus materials.`,
    });
    return { serviceNoticeNumber: number, agreedFee };
  },
});
