/**
 * A reported repair order as stored (work_orders), for tests that write one
 * directly instead of going through the API: resident1's tap at C001.
 */
export function reportedRepairOrder(number: string, reportedAt: Date, extra: Record<string, unknown> = {}) {
  return {
    number,
    kind: 'repair' as const,
    status: 'reported' as const,
    communityId: 'C001',
    address: '1栋1单元101',
    description: 'tap',
    reporter: { name: '张伟', phone: '13812345678' },
    createdByUserId: 'u-resident1',
    createdByUsername: 'resident1',
    channel: 'app' as const,
    reportedAt,
    ...extra,
  };
}
