/** MongoDB implementation of the legacy-problem register port (R-QR-1), every write by `_id`. */
import type { Connection } from 'mongoose';
import type { LegacyProblemPatch, LegacyRegister, LegacyRegistration } from '../legacy-register.js';
import type { ContactSheetStep } from '../legacy-problem.model.js';
import { getModels, type Models } from '../models.js';
import { isDuplicateKey } from './order-store.js';

export class MongoLegacyRegister implements LegacyRegister {
  private readonly models: Models;

  constructor(conn: Connection) {
    this.models = getModels(conn);
  }

  async register(entry: LegacyRegistration): Promise<void> {
    try {
      await this.models.LegacyProblem.create({
        _id: entry.workOrderId,
        orderNumber: entry.orderNumber,
        communityId: entry.communityId,
        address: entry.address,
        description: entry.description,
        ...(entry.sourceWorkOrderId ? { sourceWorkOrderId: entry.sourceWorkOrderId } : {}),
        liableParty: entry.liableParty,
        ...(entry.finding ? { finding: entry.finding } : {}),
        ...(entry.proposal ? { proposal: entry.proposal } : {}),
        coordinationSheetNumber: entry.coordinationSheetNumber,
        contactSheetSteps: [],
        status: 'registered',
        progress: [],
        registeredAt: entry.at,
        confirmedAt: entry.at,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // entered already: a redelivered job
    }
  }

  async update(workOrderId: string, patch: LegacyProblemPatch): Promise<void> {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length === 0) return;
    await this.models.LegacyProblem.updateOne({ _id: workOrderId }, { $set: set });
  }

  async addContactSheetStep(workOrderId: string, step: ContactSheetStep): Promise<void> {
    await this.models.LegacyProblem.updateOne(
      { _id: workOrderId, 'contactSheetSteps.key': { $ne: step.key } },
      { $push: { contactSheetSteps: step } },
    );
  }

  async addProgress(workOrderId: string, entry: { key: string; at: Date; note: string }): Promise<void> {
    await this.models.LegacyProblem.updateOne({ _id: workOrderId, 'progress.key': { $ne: entry.key } }, { $push: { progress: entry } });
  }
}
