/** The default fee catalogue (维修项目收费标准, R-PAID-3) for the demo: inserted once, never overwriting an admin's edits. */
import type { Connection } from 'mongoose';

import { DEFAULT_FEE_CATALOGUE } from '../fee-catalogue.js';
import { getModels } from '../models.js';

export async function seedFeeCatalogue(conn: Connection): Promise<void> {
  const { FeeCatalogueItem } = getModels(conn);
  for (const item of DEFAULT_FEE_CATALOGUE) {
    const { _id, ...fields } = item;
    await FeeCatalogueItem.updateOne(
      { _id },
      { $setOnInsert: { ...fields, active: true, version: 0, updatedBy: 'seed' } },
      { upsert: true },
    );
  }
}
