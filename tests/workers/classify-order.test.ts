import { describe, expect, it } from 'vitest';

import worker, { isReportMatter, suggestPriority } from '../../workers/classify-order.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

const headers = headersOf('classify-order');

describe('classify-order', () => {
  it('R-PRI: derives the priority from the R-PRI examples when the reporter gave none', () => {
    expect(suggestPriority('电梯', '电梯困人')).toBe(1);
    expect(suggestPriority(null, 'gas leak in the corridor')).toBe(1);
    expect(suggestPriority('水电', '户内停电')).toBe(2);
    expect(suggestPriority('管道', '马桶堵塞')).toBe(2);
    expect(suggestPriority('照明', '灯坏了')).toBe(3);
    expect(suggestPriority(null, '水龙头滴漏')).toBe(3);
    expect(suggestPriority('家电', '空调清洗')).toBe(4);
    expect(suggestPriority(null, 'something odd')).toBe(3);
  });

  it('R-WO-3: switching water or power on is a report matter (报事), a burst pipe is not', () => {
    expect(isReportMatter(null, '请帮忙开水阀')).toBe(true);
    expect(isReportMatter(null, 'please switch the power on')).toBe(true);
    expect(isReportMatter('report-matter', '')).toBe(true);
    expect(isReportMatter('管道', '主管道爆裂')).toBe(false);
  });

  it('R-PRI, R-WO-5: by day the dispatcher group triages; a missing priority is derived and triage is needed', async () => {
    const { deps, orders } = fakes('2026-11-23T10:00:00+08:00');
    const outcome = await worker.createHandler(deps)(job('classify-order', { faultType: '电梯', description: '电梯困人', channel: 'phone', reportedBy: 'dispatcher1' }, headers));
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: { priority: 1, repairClass: 'emergency', isReportMatter: false, needsTriage: true, dutyGroup: 'dispatcher', followUpUsers: ['dispatcher1'] },
    });
    expect(orders.order().fields).toMatchObject({ priority: 1, prioritySource: 'keywords', dutyGroup: 'dispatcher' });
    expect(orders.types()).toEqual(['classified']);
  });

  it('R-WO-5: at night and on holidays the monitoring centre is on duty', async () => {
    const night = fakes('2026-11-23T22:30:00+08:00');
    const atNight = await worker.createHandler(night.deps)(job('classify-order', { priority: 3, responsibility: 'shared', description: '灯坏了' }, headers));
    expect(atNight).toMatchObject({ outcome: 'complete', variables: { dutyGroup: 'monitoring-centre', needsTriage: false, repairClass: 'routine' } });
    const holiday = fakes('2026-10-01T10:00:00+08:00');
    const onHoliday = await worker.createHandler(holiday.deps)(job('classify-order', { priority: 3, responsibility: 'shared' }, headers));
    expect(onHoliday).toMatchObject({ variables: { dutyGroup: 'monitoring-centre' } });
  });

  it('R-REP-12: only a report taken by staff (phone, walk-in) names the person for the return visit', async () => {
    const { deps } = fakes();
    const app = await worker.createHandler(deps)(job('classify-order', { priority: 3, responsibility: 'shared', channel: 'app', reportedBy: 'resident1' }, headers));
    expect(app).toMatchObject({ variables: { followUpUsers: [] } });
  });

  it('fails without retries on invalid variables instead of throwing', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('classify-order', { priority: 7 }, headers));
    expect(outcome.outcome).toBe('fail');
    expect(outcome).toMatchObject({ retries: 0 });
    expect(outcome.outcome === 'fail' && outcome.message).toMatch(/priority/);
  });

  it('is idempotent: the same job twice writes one timeline entry', async () => {
    const { deps, orders } = fakes();
    const handler = worker.createHandler(deps);
    const same = job('classify-order', { priority: 2, responsibility: 'paid' }, headers, 'job-same');
    await handler(same);
    await handler(same);
    expect(orders.timeline).toHaveLength(1);
  });
});
