import type { Role } from '../../domain/user.model.js';
import { endpoint, type Endpoint } from '../http.js';
import { loginBody, loginResponse, publicUserSchema, rolesResponse } from './schemas.js';
import { toPublicUser, type AuthService } from './service.js';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  resident: '业主 / 住户: reports, agrees appointments and fees, rates',
  dispatcher: '客服 / 值班: takes reports, dispatches, follows up, calls back',
  unit: '维修单位成员: signs for orders (签收), contacts the resident, reports the result',
  technician: '维修人员: goes on site, records item, fee and result',
  supervisor: '主管: approves extensions and fees, manual supervision, spot checks',
  manager: '经理: inspects instances, reads KPIs, approves large compensation',
  finance: '财务: receives paid-service money',
  'process-owner': '流程负责人: edits and deploys the BPMN models',
  admin: '管理员: users and system administration',
};

export function authRoutes(auth: AuthService): Endpoint[] {
  return [
    endpoint({
      method: 'post',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Log in; returns a bearer token',
      access: 'public',
      body: loginBody,
      response: loginResponse,
      errors: [401, 429],
      handle: async ({ body, req }) => auth.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    }),
    endpoint({
      method: 'get',
      path: '/auth/me',
      tag: 'auth',
      summary: 'The caller',
      access: 'authenticated',
      response: publicUserSchema,
      handle: async ({ user }) => toPublicUser(user),
    }),
    endpoint({
      method: 'get',
      path: '/roles',
      tag: 'auth',
      summary: 'The roles of the platform',
      access: 'authenticated',
      response: rolesResponse,
      handle: async () => ({
        roles: (Object.keys(ROLE_DESCRIPTIONS) as Role[]).map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] })),
      }),
    }),
  ];
}
