/**
 * GET /api/tasks reuses the list it sent while no user task or form has changed
 * (the embedded engine's userTasksVersion): a claim, a new task and a
 * completion each show in the very next list, and each caller has their own.
 */
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { phoneRepair } from './harness.js';

const t = useTestServer({ clockStart: new Date('2026-11-23T09:30:00+08:00') });

type Item = { id: string; kind: string; workOrderId: string; assignee: string | null; form: { id: string } | null };

describe('the task list while tasks change', () => {
  it('a claim, a new order, a completion each show in the next list; an unchanged list is the same text', async () => {
    const unitA = await t.server.as('unitA1');
    const dispatcher = await t.server.as('dispatcher1');
    const list = async (): Promise<Item[]> => {
      const r = await unitA.get('/api/tasks?kind=sign-off');
      expect(r.status).toBe(200);
      return r.body.items as Item[];
    };
    const first = (await dispatcher.post('/api/work-orders', phoneRepair())).body as { id: string };
    await t.server.engine.idle();
    const before = await list();
    const signOff = before.find((i) => i.workOrderId === first.id);
    expect(signOff?.assignee).toBeNull();
    expect(await list()).toEqual(before);

    expect((await unitA.post(`/api/tasks/${signOff!.id}/claim`, {})).status).toBe(200);
    expect((await list()).find((i) => i.id === signOff!.id)?.assignee).toBe('unitA1');
    // Another caller's list is its own: unitB1 does not see unit A's sign-off.
    const unitB = await t.server.as('unitB1');
    expect(((await unitB.get('/api/tasks?kind=sign-off')).body.items as Item[]).some((i) => i.id === signOff!.id)).toBe(false);

    const second = (await dispatcher.post('/api/work-orders', phoneRepair({ address: '2栋1单元202' }))).body as { id: string };
    await t.server.engine.idle();
    expect((await list()).map((i) => i.workOrderId)).toEqual(expect.arrayContaining([first.id, second.id]));

    expect((await unitA.post(`/api/tasks/${signOff!.id}/complete`, { variables: {} })).status).toBe(200);
    await t.server.engine.idle();
    const after = await list();
    expect(after.some((i) => i.id === signOff!.id)).toBe(false);
    expect(after.some((i) => i.workOrderId === second.id)).toBe(true);
  });
});
