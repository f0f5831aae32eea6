import type { Request, Response } from 'express';
import multer from 'multer';
import { PayloadTooLarge, UnsupportedMediaType, ValidationError } from '../errors.js';
import { endpoint, type Endpoint } from '../http.js';
import { UPLOAD_MAX_BYTES, UPLOAD_TYPES, uploadIdParam, uploadView } from './schemas.js';
import type { UploadService } from './service.js';

/** One file in the field `file`, held in memory up to the limit (then 413). */
const receiveOne = multer({ storage: multer.memoryStorage(), limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 10, parts: 12 } }).single('file');

function receive(req: Request, res: Response): Promise<Express.Multer.File | undefined> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new UnsupportedMediaType(`An upload must be multipart/form-data, not ${req.headers['content-type'] ?? 'unspecified'}.`));
  }
  return new Promise((resolve, reject) => {
    receiveOne(req, res, (err: unknown) => {
      if (!err) return resolve(req.file);
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return reject(new PayloadTooLarge(`A file may be at most ${UPLOAD_MAX_BYTES / 1024 / 1024} MiB.`, 'FILE_TOO_LARGE'));
        return reject(new ValidationError(`The upload was refused: ${err.message}.`, [{ path: err.field ?? 'file', message: err.message }]));
      }
      // busboy: a malformed multipart body.
      reject(new ValidationError('The multipart body could not be read.', [{ path: 'file', message: err instanceof Error ? err.message : String(err) }]));
    });
  });
}

export function uploadRoutes(service: UploadService): Endpoint[] {
  return [
    endpoint({
      method: 'post',
      path: '/uploads',
      tag: 'uploads',
      summary: 'Upload a photo or video (multipart/form-data, field `file`); returns the id for `attachments`',
      description:
        `One file of at most ${UPLOAD_MAX_BYTES / 1024 / 1024} MiB (413 beyond); accepted types, recognised by the file's first bytes: ` +
        `${UPLOAD_TYPES.join(', ')} (415 otherwise, and for a body that is not multipart/form-data).`,
      access: 'authenticated',
      consumes: 'multipart/form-data',
      status: 201,
      response: uploadView,
      errors: [400, 413, 415],
      handle: async ({ user, req, res }) => service.store(user, await receive(req, res)),
    }),
    endpoint({
      method: 'get',
      path: '/uploads/:id',
      tag: 'uploads',
      summary: 'The uploaded file (its uploader and staff only)',
      access: 'authenticated',
      params: uploadIdParam,
      produces: UPLOAD_TYPES,
      handle: async ({ user, params, res }) => {
        const file = await service.read(user, params.id);
        res
          .status(200)
          .type(file.contentType)
          .setHeader('Cache-Control', 'private, max-age=3600')
          .setHeader('Content-Disposition', `inline; filename="${encodeURIComponent(file.fileName)}"`);
        res.send(file.data);
        return undefined;
      },
    }),
  ];
}
