import { endpoint, type Endpoint } from '../http.js';
import { clockView, moveClockBody } from './schemas.js';
import type { ClockService } from './service.js';

export function clockRoutes(service: ClockService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/clock',
      tag: 'clock',
      summary: 'The engine clock (demo and test mode only; 404 otherwise)',
      access: 'authenticated',
      response: clockView,
      handle: async () => service.now(),
    }),
    endpoint({
      method: 'post',
      path: '/clock',
      tag: 'clock',
      summary: 'Move the engine clock: {add: "PT9M"} or {pin: "2026-11-23T22:00:00+08:00"}; due timers fire before the answer',
      description: 'Demo and test mode only (404 otherwise). Time only moves forward.',
      access: 'authenticated',
      body: moveClockBody,
      response: clockView,
      handle: async ({ body }) => service.move(body),
    }),
  ];
}
