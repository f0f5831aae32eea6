/**
 * Outage notices (停水停电通知, R-OUT-1): a dispatcher or supervisor registers
 * a water or power stop; a planned one must be announced one day (water) or
 * two days (power) ahead and last at most 4 hours — the deployed model's
 * numbers — else 400 naming the field; a sudden one is announced within 10
 * minutes. Registering starts the outage-notice process.
 */
import { DateTime, Duration } from 'luxon';
import type { Connection } from 'mongoose';

import { getModels, type Models } from '../../domain/models.js';
import type { OutageDoc } from '../../domain/outage.model.js';
import { MongoDirectory } from '../../domain/services/directory.js';
import { isObjectIdLike } from '../../domain/services/order-store.js';
import { EngineError, type ProcessEngine } from '../../engine/port.js';
import type { AuthUser } from '../auth/service.js';
import { Conflict, NotFound, ServiceUnavailable, ValidationError, type ErrorDetail } from '../errors.js';
import type { Logger } from '../logger.js';
import { OUTAGE_PROCESS, outageRules } from './rules.js';
import type { CreateOutageBody, ListOutagesQuery, OutageView } from './schemas.js';

type OutageRecord = OutageDoc & { _id: unknown };

const DEFAULT_ZONE = 'Asia/Shanghai';
const LABEL = { water: '停水 water stop', power: '停电 power stop' } as const;

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function toOutageView(d: OutageRecord): OutageView {
  return {
    id: String(d._id),
    number: d.number,
    communityId: d.communityId,
    utility: d.utility,
    planned: d.planned,
    startsAt: new Date(d.startsAt).toISOString(),
    endsAt: iso(d.endsAt),
    cause: d.cause ?? null,
    area: d.area ?? null,
    status: d.status,
    notifyAt: iso(d.notifyAt),
    noticeDueAt: iso(d.noticeDueAt),
    notifiedAt: iso(d.notifiedAt),
    noticeBreached: Boolean(d.noticeBreached),
    noticeText: d.noticeText ?? null,
    processInstanceKey: d.processInstanceKey ?? null,
    createdBy: d.createdByUsername,
    events: (d.events ?? []).map((e) => ({ at: new Date(e.at).toISOString(), type: e.type, note: e.note })),
  };
}

export interface OutageServiceDeps {
  conn: Connection;
  engine: ProcessEngine;
  logger: Logger;
}

export class OutageService {
  private readonly models: Models;
  private readonly directory: MongoDirectory;

  constructor(private readonly deps: OutageServiceDeps) {
    this.models = getModels(deps.conn);
    this.directory = new MongoDirectory(deps.conn);
  }

  async create(user: AuthUser, body: CreateOutageBody): Promise<OutageView> {
    const community = await this.directory.community(body.communityId);
    if (!community) throw new ValidationError('The request is invalid.', [{ path: 'communityId', message: 'unknown community' }]);
    const now = this.deps.engine.clock.now();
    const startsAt = new Date(body.startsAt);
    const endsAt = body.endsAt ? new Date(body.endsAt) : undefined;
    const details: ErrorDetail[] = [];
    if (endsAt && endsAt.getTime() <= startsAt.getTime()) details.push({ path: 'endsAt', message: 'must be after startsAt' });
    if (body.planned) {
      const rules = await this.rules();
      const lead = body.utility === 'water' ? rules.waterLeadTime : rules.powerLeadTime;
      const earliest = DateTime.fromJSDate(now).setZone(community.timeZone).plus(Duration.fromISO(lead));
      if (startsAt.getTime() < earliest.toMillis()) {
        details.push({
          path: 'startsAt',
          message: `a planned ${LABEL[body.utility]} is announced ${lead} ahead (R-OUT-1): it must start at or after ${earliest.toISO({ suppressMilliseconds: true })}`,
        });
      }
      if (!endsAt) details.push({ path: 'endsAt', message: 'is required for a planned stop' });
      else if (endsAt.getTime() - startsAt.getTime() > Duration.fromISO(rules.durationLimit).as('milliseconds')) {
        details.push({ path: 'endsAt', message: `a planned ${LABEL[body.utility]} lasts at most ${rules.durationLimit} (R-OUT-1)` });
      }
    }
    if (details.length) throw new ValidationError('The request is invalid.', details);
    await this.ensureDeployed();

    const number = await this.nextNumber(now, community.timeZone);
    const created = await this.models.Outage.create({
      number,
      communityId: body.communityId,
      utility: body.utility,
      planned: body.planned,
      startsAt,
      endsAt: endsAt ?? null,
      ...(body.cause ? { cause: body.cause } : {}),
      ...(body.area ? { area: body.area } : {}),
      status: 'scheduled',
      noticeBreached: false,
      createdByUsername: user.username,
      events: [{ key: 'registered', at: now, type: 'registered', note: `${body.planned ? '计划' : '突发'}${LABEL[body.utility]} registered by ${user.username}` }],
      appliedKeys: ['registered'],
      version: 0,
    });
    const id = String(created._id);
    try {
      const started = await this.deps.engine.startInstance(OUTAGE_PROCESS, {
        outageId: id,
        outageNumber: number,
        communityId: body.communityId,
        utility: body.utility,
        planned: body.planned,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt ? endsAt.toISOString() : null,
        ...(body.cause ? { cause: body.cause } : {}),
        reportedBy: user.username,
      });
      await this.models.Outage.updateOne({ _id: id }, { $set: { processInstanceKey: started.processInstanceKey }, $inc: { version: 1 } });
    } catch (err) {
      // A rejected request changes nothing.
      await this.models.Outage.deleteOne({ _id: id }).catch((e: unknown) => this.deps.logger.error('could not remove an outage whose process did not start', { id, error: e }));
      if (err instanceof EngineError) {
        if (err.code === 'NOT_FOUND') throw new Conflict(`The process "${OUTAGE_PROCESS}" is not deployed.`, 'PROCESS_NOT_DEPLOYED');
        if (err.code === 'UNAVAILABLE') throw new ServiceUnavailable(`The process engine is not available: ${err.message}`, 'ENGINE_UNAVAILABLE');
        throw new Conflict(`The process ${OUTAGE_PROCESS} could not start: ${err.message}`, 'PROCESS_START_FAILED', err.details);
      }
      throw err;
    }
    return this.get(user, id);
  }

  async get(user: AuthUser, id: string): Promise<OutageView> {
    const doc = isObjectIdLike(id) ? await this.models.Outage.findById(id).lean<OutageRecord>() : null;
    if (!doc || !this.mayRead(user, doc.communityId)) throw new NotFound(`Outage ${id} not found.`, 'OUTAGE_NOT_FOUND');
    return toOutageView(doc);
  }

  async list(user: AuthUser, q: ListOutagesQuery): Promise<{ items: OutageView[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (q.communityId) filter.communityId = q.communityId;
    if (user.roles.length === 1 && user.roles[0] === 'resident') {
      // A resident sees the stops of their own community.
      if (q.communityId && q.communityId !== user.flat?.communityId) return { items: [], total: 0 };
      filter.communityId = user.flat?.communityId ?? '-';
    }
    const range: Record<string, Date> = {};
    if (q.from) range.$gte = boundary(q.from, 'from');
    if (q.to) range.$lt = boundary(q.to, 'to');
    if (Object.keys(range).length) filter.startsAt = range;
    const docs = await this.models.Outage.find(filter).sort({ startsAt: -1 }).limit(500).lean<OutageRecord[]>();
    return { items: docs.map(toOutageView), total: docs.length };
  }

  private mayRead(user: AuthUser, communityId: string): boolean {
    if (user.roles.some((r) => r !== 'resident')) return true;
    return user.flat?.communityId === communityId;
  }

  private async rules() {
    try {
      return await outageRules(this.deps.engine);
    } catch (err) {
      if (err instanceof EngineError && err.code === 'UNAVAILABLE') throw new ServiceUnavailable(`The process engine is not available: ${err.message}`, 'ENGINE_UNAVAILABLE');
      throw err;
    }
  }

  private async ensureDeployed(): Promise<void> {
    const deployed = (await this.deps.engine.listProcesses()).some((p) => p.bpmnProcessId === OUTAGE_PROCESS);
    if (!deployed) throw new Conflict(`The process "${OUTAGE_PROCESS}" is not deployed; a process owner must deploy it first.`, 'PROCESS_NOT_DEPLOYED');
  }

  /** `TD-YYYYMMDD-NNNN` (停水停电), the community's local date, a per-day sequence. */
  private async nextNumber(at: Date, timeZone: string): Promise<string> {
    const id = `TD-${DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyyLLdd')}`;
    const counter = await this.models.Counter.findOneAndUpdate({ _id: id }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
    return `${id}-${String(counter?.seq ?? 1).padStart(4, '0')}`;
  }
}

function boundary(value: string, side: 'from' | 'to'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: DEFAULT_ZONE }).startOf('day');
    return (side === 'to' ? day.plus({ days: 1 }) : day).toJSDate();
  }
  return new Date(value);
}
