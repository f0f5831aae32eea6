import { endpoint, type Endpoint } from '../http.js';
import { breachingSoonQuery, breachingSoonResponse, kpiQuery, kpiResponse, spotCheckQuery, spotCheckResponse } from './schemas.js';
import type { ReportService } from './service.js';

export function reportRoutes(service: ReportService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/reports/kpi',
      tag: 'reports',
      summary: 'KPIs per community, unit, kind or priority (R-KPI-1, R-KPI-2)',
      description:
        'Orders reported in [from, to) (a date is a local day), withdrawn orders and report matters left out. ' +
        'timely = no deadline breached or overdue; reworkRate = dispatched again ÷ total; firstTimeFixRate = fixed without rework ÷ fixed; ' +
        "satisfaction = mean of the residents' final ratings. Also a summary row and the R-KPI-2 targets.",
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
    endpoint({
      method: 'get',
      path: '/reports/breaching-soon',
      tag: 'reports',
      summary: 'Open deadlines falling due within `within` (PT1H by default), soonest first; overdue ones marked',
      description: 'Dispatchers, supervisors and managers see every order; a unit member only those dispatched to their unit.',
      access: ['dispatcher', 'unit', 'supervisor', 'manager', 'admin'],
      query: breachingSoonQuery,
      response: breachingSoonResponse,
      handle: async ({ user, query }) => service.breachingSoon(user, query),
    }),
  ];
}
