/**
 * The port of the legacy-problem register (工程遗留问题汇总表, R-QR-1) as the
 * quality rectification workers use it. Every write is idempotent: rows are
 * keyed by the quality order's id, list entries by the job key.
 */
import type { ContactSheetStep, LegacyProblemStatus, LiableParty } from './legacy-problem.model.js';

export interface LegacyRegistration {
  workOrderId: string;
  orderNumber: string;
  communityId: string;
  address: string;
  description: string;
  sourceWorkOrderId?: string;
  liableParty: LiableParty;
  finding?: string;
  proposal?: string;
  coordinationSheetNumber: string;
  at: Date;
}

export interface LegacyProblemPatch {
  status?: LegacyProblemStatus;
  liableParty?: LiableParty;
  contactSheetNumber?: string;
  plan?: string;
  residentAction?: string;
  etaAt?: Date | null;
  closedAt?: Date | null;
}

export interface LegacyRegister {
  /** Enters the problem (once per order; a second call keeps the first entry). */
  register(entry: LegacyRegistration): Promise<void>;
  update(workOrderId: string, patch: LegacyProblemPatch): Promise<void>;
  /** One signature of the contact sheet's chain, once per key. */
  addContactSheetStep(workOrderId: string, step: Omit<ContactSheetStep, 'key'> & { key: string }): Promise<void>;
  /** One progress report (R-QR-4), once per key. */
  addProgress(workOrderId: string, entry: { key: string; at: Date; note: string }): Promise<void>;
}
