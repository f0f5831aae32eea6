import { z } from 'zod';

/** Largest file accepted (413 beyond). */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

/** Types a resident may attach (R-WO-2: text, photo, video), recognised by their first bytes. */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

export const uploadIdParam = z.strictObject({ id: z.string().min(1).max(64).regex(/^[a-f0-9]{24}$/, 'is not an upload id') });

export const uploadView = z
  .object({
    id: z.string().describe('pass it in a work order\'s `attachments`'),
    contentType: z.enum(UPLOAD_TYPES),
    fileName: z.string(),
    size: z.number(),
    createdAt: z.string(),
  })
  .meta({ id: 'Upload' });
