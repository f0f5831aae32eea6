import { endpoint, type Endpoint } from '../http.js';
import { kpiQuery, kpiResponse, spotCheckQuery, spotCheckResponse } from './schemas.js';
import type { ReportService } from './service.js';

export function reportRoutes(service: ReportService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/reports/kpi',
      tag: 'reports',
      summary: 'KPIs per community, unit, kind or priority (R-KPI-1, R-KPI-2)',
      access: ['supervisor', 'manager', 'admin'],
      query: kpiQuery,
      response: kpiResponse,
      handle: async ({ query }) => service.kpi(query),
    }),
    endpoint({
      method: 'get',
      path: '/reports/spot-check',
      tag: 'reports',
      summary: "A reproducible 30 % sample of a week's dispatch sheets (R-KPI-3)",
      access: ['supervisor', 'manager', 'admin'],
      query: spotCheckQuery,
      response: spotCheckResponse,
      handle: async ({ query }) => service.spotCheck(query.week),
    }),
  ];
}
