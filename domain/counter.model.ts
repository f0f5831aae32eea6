/** Sequence counters (one document per prefix and day) for human order numbers. */
import { Schema } from 'mongoose';

export interface CounterDoc {
  /** e.g. `BX-20261123`. */
  _id: string;
  seq: number;
}

export const counterSchema = new Schema<CounterDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { collection: 'counters', versionKey: false },
);
