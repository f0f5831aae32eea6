/** GET /api/reports/paid-services?month=2026-11 — the monthly paid-service summary (R-PAID-7). */
import { endpoint, type Endpoint } from '../http.js';
import { paidServicesQuery, paidServicesReport } from './schemas.js';
import type { PaidServicesReportService } from './service.js';

export function paidServicesReportRoutes(service: PaidServicesReportService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/reports/paid-services',
      tag: 'reports',
      summary: 'Monthly paid-service summary for reconciliation with finance (R-PAID-7)',
      description:
        'Orders of kind paid-service registered in the month (Asia/Shanghai): count, fees collected, by item, ' +
        'services without a collected fee, cash not yet confirmed by finance, and differences.',
      access: ['dispatcher', 'supervisor', 'manager', 'finance', 'admin'],
      query: paidServicesQuery,
      response: paidServicesReport,
      handle: async ({ query }) => service.monthly(query),
    }),
  ];
}
