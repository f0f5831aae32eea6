/** Request and response schemas of /api/fee-catalogue (维修项目收费标准, R-PAID-3). */
import { z } from 'zod';

import { FEE_CATEGORIES } from '../../domain/fee-catalogue.js';
import { text } from '../common-schemas.js';

/** Yuan, at most two decimals (分), never negative. */
export const price = z
  .number()
  .min(0, 'must not be negative')
  .max(100_000, 'must be at most 100000 yuan')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'must have at most two decimals (fen)');

const itemFields = {
  name: text(100),
  category: z.enum(FEE_CATEGORIES),
  unit: text(20),
  price,
  note: z.string().trim().max(500).optional(),
};

export const itemCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be an item code such as W-05 (letters, digits, dashes)');

export const createItemBody = z.strictObject({ id: itemCode, ...itemFields, active: z.boolean().default(true) }).meta({ id: 'CreateFeeCatalogueItem' });
export type CreateItemBody = z.output<typeof createItemBody>;

/** PUT replaces the item's fields; `version`, when given, must be the current one (409 otherwise). */
export const replaceItemBody = z
  .strictObject({ ...itemFields, active: z.boolean(), version: z.number().int().min(0).optional() })
  .meta({ id: 'ReplaceFeeCatalogueItem' });
export type ReplaceItemBody = z.output<typeof replaceItemBody>;

export const listItemsQuery = z.object({
  category: z.enum(FEE_CATEGORIES).optional(),
  active: z.enum(['true', 'false', 'all']).default('true').describe('active items only by default'),
  q: z.string().trim().min(1).max(100).optional(),
});
export type ListItemsQuery = z.output<typeof listItemsQuery>;

export const itemView = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.enum(FEE_CATEGORIES),
    unit: z.string(),
    price: z.number().describe('yuan per unit, labour (materials at cost)'),
    note: z.string().nullable(),
    active: z.boolean(),
    version: z.number(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'FeeCatalogueItem' });
export type ItemView = z.infer<typeof itemView>;

export const itemList = z.object({ items: z.array(itemView), total: z.number() });
