/**
 * Keeps a work order's deadlines and timeline in step with its user tasks
 * (engine.onUserTaskEvent). Events arrive at least once and possibly out of
 * order, so every write is idempotent: deadlines are keyed by task key,
 * timeline entries by `task:<key>:<event>`.
 *
 * - created   → deadline {name: task kind, dueAt: task.dueDate} (when the task has a due date)
 *               and a `task-created` entry;
 * - completed → deadline met (breached as well when completed after dueAt),
 *               `task-completed` entry naming who completed it; a completed
 *               `sign-off` stamps the order's `signedAt` (签收);
 * - canceled  → deadline breached when canceled at or after its due time (an
 *               interrupting escalation timer took the work away), otherwise
 *               closed as canceled; `task-canceled` entry.
 */
import type { UserTask, UserTaskEvent, UserTaskListener } from '../../engine/port.js';
import { systemNow, type Now } from './clock.js';
import { isObjectIdLike, OrderNotFoundError, type MongoOrderStore } from './order-store.js';

export interface UserTaskListenerDeps {
  orders: MongoOrderStore;
  now?: Now;
  log?: { warn(message: string, fields?: Record<string, unknown>): void };
}

/** The work order a task belongs to: the instance's business key, else the `workOrderId` variable. */
export function workOrderIdOf(task: Pick<UserTask, 'businessKey' | 'variables'>): string | undefined {
  if (task.businessKey) return task.businessKey;
  const v = task.variables.workOrderId;
  return typeof v === 'string' ? v : undefined;
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function label(task: UserTask): string {
  return task.name && task.name !== task.kind ? `${task.name} (${task.kind})` : task.kind || task.elementId;
}

export function createUserTaskListener(deps: UserTaskListenerDeps): UserTaskListener {
  const now = deps.now ?? systemNow;
  const { orders } = deps;

  return async (event: UserTaskEvent): Promise<void> => {
    const task = event.task;
    const orderId = workOrderIdOf(task);
    if (!orderId || !isObjectIdLike(orderId)) return; // not a work order's process
    const dueAt = parseDate(task.dueDate);
    const name = task.kind || task.elementId;
    try {
      switch (event.type) {
        // One write of the order per event: the deadline, `signedAt` and the timeline entry's id together.
        case 'created': {
          const who = [...task.candidateGroups, ...task.candidateUsers].join(', ');
          const entry = {
            key: `task:${task.key}:created`,
            type: 'task-created',
            actor: 'system',
            note: `${label(task)} opened${who ? ` for ${who}` : ''}${dueAt ? `, due ${dueAt.toISOString()}` : ''}`,
            elementId: task.elementId,
            at: parseDate(task.createdAt) ?? now(),
          };
          if (dueAt) await orders.openTaskDeadline(orderId, { taskKey: task.key, name, dueAt }, entry);
          else await orders.addTimeline(orderId, entry);
          return;
        }
        case 'completed': {
          const at = parseDate(task.completedAt) ?? now();
          const actor = task.completedBy ?? task.assignee ?? 'unknown';
          const late = dueAt && at.getTime() > dueAt.getTime();
          const entry = {
            key: `task:${task.key}:completed`,
            type: 'task-completed',
            actor,
            note: `${label(task)} completed by ${actor}${late ? ' after its deadline' : ''}`,
            elementId: task.elementId,
            at,
          };
          const signedAt = task.kind === 'sign-off' ? at : undefined;
          if (dueAt) {
            await orders.closeTaskDeadline(orderId, task.key, 'met', at, { name, dueAt }, { timeline: entry, ...(signedAt ? { signedAt } : {}) });
            return;
          }
          if (signedAt) await orders.markSigned(orderId, signedAt);
          await orders.addTimeline(orderId, entry);
          return;
        }
        case 'canceled': {
          const at = parseDate(task.completedAt) ?? now();
          const escalated = dueAt !== undefined && at.getTime() >= dueAt.getTime();
          const entry = {
            key: `task:${task.key}:canceled`,
            type: escalated ? 'escalation' : 'task-canceled',
            actor: 'system',
            note: escalated ? `${label(task)} not done in time: deadline breached, escalated` : `${label(task)} canceled`,
            elementId: task.elementId,
            at,
          };
          if (dueAt) await orders.closeTaskDeadline(orderId, task.key, escalated ? 'breached' : 'canceled', at, { name, dueAt }, { timeline: entry });
          else await orders.addTimeline(orderId, entry);
          return;
        }
      }
    } catch (err) {
      if (err instanceof OrderNotFoundError) {
        deps.log?.warn('user task event for an unknown work order', { orderId, taskKey: task.key, type: event.type });
        return;
      }
      throw err;
    }
  };
}
