/** Communities (小区) and their maintenance units (维修单位). */
import { Schema } from 'mongoose';
import { reportWritesOf } from './model-writes.js';

/** Working-hours calendar of a community (R-WO-5, R-REP-6). */
export interface CalendarSettings {
  /** `HH:mm` local time. */
  workStart: string;
  workEnd: string;
  /** ISO weekdays (1 = Monday) with working hours. */
  workDays: number[];
  /** `YYYY-MM-DD` statutory holidays the company entered. */
  holidays: string[];
  /** R-WO-5: the candidate group on duty in working hours (客户服务中心); the model's default when unset. */
  dayGroup?: string;
  /** R-WO-5: the candidate group on duty at night and on holidays (监控中心); the model's default when unset. */
  nightGroup?: string;
}

export const DEFAULT_CALENDAR: CalendarSettings = {
  workStart: '08:00',
  workEnd: '18:00',
  workDays: [1, 2, 3, 4, 5, 6, 7],
  holidays: [],
};

export interface CommunityDoc {
  _id: string;
  name: string;
  timeZone: string;
  /** First-line unit (R-REP-1). */
  firstUnitId: string;
  /** The unit that takes orders the first failed to sign in time (R-REP-2). */
  secondUnitId?: string;
  calendar: CalendarSettings;
  createdAt?: Date;
  updatedAt?: Date;
}

export const communitySchema = new Schema<CommunityDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    timeZone: { type: String, required: true, default: 'Asia/Shanghai' },
    firstUnitId: { type: String, required: true },
    secondUnitId: { type: String },
    calendar: {
      type: new Schema<CalendarSettings>(
        {
          workStart: { type: String, default: DEFAULT_CALENDAR.workStart },
          workEnd: { type: String, default: DEFAULT_CALENDAR.workEnd },
          workDays: { type: [Number], default: DEFAULT_CALENDAR.workDays },
          holidays: { type: [String], default: [] },
          dayGroup: { type: String },
          nightGroup: { type: String },
        },
        { _id: false },
      ),
      default: () => ({ ...DEFAULT_CALENDAR }),
    },
  },
  { collection: 'communities', timestamps: true, versionKey: false },
);
// Every write through the model is reported to its connection's listeners (the community cache).
reportWritesOf(communitySchema, 'Community');

export interface UnitDoc {
  _id: string;
  name: string;
  communities: string[];
  phone?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export const unitSchema = new Schema<UnitDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    communities: { type: [String], default: [] },
    phone: { type: String },
  },
  { collection: 'units', timestamps: true, versionKey: false },
);
