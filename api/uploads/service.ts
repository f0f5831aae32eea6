/**
 * Uploads (R-WO-2: photos and video with a report). A file's type is decided
 * by its first bytes, not by the name or the client's content type; the
 * uploader and staff may read it back, other residents may not.
 */
import { randomBytes } from 'node:crypto';
import { mongo, type Connection, type Model } from 'mongoose';
import type { AuthUser } from '../auth/service.js';
import { NotFound, UnsupportedMediaType, ValidationError } from '../errors.js';
import { uploadModel, type UploadDoc } from './model.js';
import { UPLOAD_TYPES, type UploadType } from './schemas.js';

/** The type a file's leading bytes announce, if it is one we take. */
export function sniffType(data: Buffer): UploadType | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (['GIF87a', 'GIF89a'].includes(data.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return undefined;
}

const view = (d: Pick<UploadDoc, '_id' | 'contentType' | 'fileName' | 'size' | 'createdAt'>) => ({
  id: d._id,
  contentType: d.contentType as UploadType,
  fileName: d.fileName,
  size: d.size,
  createdAt: new Date(d.createdAt).toISOString(),
});

export class UploadService {
  private readonly uploads: Model<UploadDoc>;

  constructor(
    conn: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.uploads = uploadModel(conn);
  }

  async store(user: AuthUser, file: { buffer: Buffer; originalname: string } | undefined) {
    if (!file) throw new ValidationError('No file in the request.', [{ path: 'file', message: 'a multipart field named "file" is required' }]);
    if (file.buffer.length === 0) throw new ValidationError('The file is empty.', [{ path: 'file', message: 'must not be empty' }]);
    const contentType = sniffType(file.buffer);
    if (!contentType) {
      throw new UnsupportedMediaType(`Only ${UPLOAD_TYPES.join(', ')} files are accepted.`, 'UNSUPPORTED_FILE_TYPE');
    }
    const doc: UploadDoc = {
      _id: randomBytes(12).toString('hex'),
      ownerId: user.id,
      ownerUsername: user.username,
      contentType,
      fileName: (file.originalname || 'file').slice(0, 200),
      size: file.buffer.length,
      data: file.buffer,
      createdAt: this.now(),
    };
    await this.uploads.create(doc);
    return view(doc);
  }

  /** The file, for its uploader and for staff; 404 for anyone else (no hint that it exists). */
  async read(user: AuthUser, id: string): Promise<UploadDoc> {
    const doc = await this.uploads.findById(id).lean();
    const staff = user.roles.some((r) => r !== 'resident');
    if (!doc || (!staff && doc.ownerId !== user.id)) throw new NotFound(`Upload ${id} not found.`, 'UPLOAD_NOT_FOUND');
    // lean() hands binary data back as a BSON Binary, not a Buffer.
    const raw: unknown = doc.data;
    const data = raw instanceof mongo.Binary ? Buffer.from(raw.buffer) : Buffer.from(raw as Uint8Array);
    return { ...doc, data };
  }
}
