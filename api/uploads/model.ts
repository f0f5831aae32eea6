/** Uploaded files (photos, short videos) kept in MongoDB, one document each (≤ UPLOAD_MAX_BYTES, far below 16 MiB). */
import { Schema, type Connection, type Model } from 'mongoose';

export interface UploadDoc {
  _id: string;
  /** Who uploaded it: the user's id and username. */
  ownerId: string;
  ownerUsername: string;
  /** The type found in the file's first bytes (never the client's word alone). */
  contentType: string;
  /** The client's file name, for display only. */
  fileName: string;
  size: number;
  data: Buffer;
  createdAt: Date;
}

const uploadSchema = new Schema<UploadDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true, index: true },
    ownerUsername: { type: String, required: true },
    contentType: { type: String, required: true },
    fileName: { type: String, required: true },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'uploads', versionKey: false },
);

export function uploadModel(conn: Connection): Model<UploadDoc> {
  return (conn.models.Upload as Model<UploadDoc> | undefined) ?? conn.model<UploadDoc>('Upload', uploadSchema);
}
