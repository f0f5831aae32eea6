/**
 * The fee catalogue (维修项目收费标准, R-PAID-3): the price of each paid-service
 * item. Prices are labour in yuan per unit; materials are charged at cost on
 * top (as property companies' published lists say). An admin edits the
 * catalogue through /api/fee-catalogue; an order keeps the price it was
 * registered with.
 */
import { Schema } from 'mongoose';

import { FEE_CATEGORIES, type FeeCategory } from './fee-catalogue.js';

export interface FeeCatalogueItemDoc {
  /** Item code, e.g. `W-05`. */
  _id: string;
  name: string;
  category: FeeCategory;
  /** 计价单位: 个, 次, 米, 平方米, 小时 ... */
  unit: string;
  /** Yuan per unit (labour). */
  price: number;
  note?: string;
  active: boolean;
  updatedBy?: string;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

export const feeCatalogueItemSchema = new Schema<FeeCatalogueItemDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, enum: FEE_CATEGORIES, required: true },
    unit: { type: String, required: true },
    price: { type: Number, required: true, min: 0 },
    note: { type: String },
    active: { type: Boolean, default: true },
    updatedBy: { type: String },
    version: { type: Number, required: true, default: 0 },
  },
  { collection: 'fee_catalogue', timestamps: true, versionKey: false },
);
feeCatalogueItemSchema.index({ category: 1, _id: 1 });
