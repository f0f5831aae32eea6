/** POST /api/uploads and GET /api/uploads/:id: photos for a report (R-WO-2), 413 / 415 / 400, who may read a file. */
import { describe, expect, it } from 'vitest';
import { residentRepair, useApiHarness } from './harness.js';

const h = useApiHarness();

/** The smallest real PNG (1×1, transparent). */
const PNG = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));

async function upload(as: string | undefined, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.url}/api/uploads`, {
    method: 'POST',
    headers: { ...(as ? { authorization: `Bearer ${await h.token(as)}` } : {}), ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function form(data: Uint8Array<ArrayBuffer>, name = 'leak.png', type = 'image/png'): FormData {
  const f = new FormData();
  f.append('file', new Blob([data], { type }), name);
  return f;
}

async function read(as: string, id: string) {
  const res = await fetch(`${h.url}/api/uploads/${id}`, { headers: { authorization: `Bearer ${await h.token(as)}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('POST /api/uploads', () => {
  it('stores a photo and gives its id; the uploader and staff read it back byte for byte', async () => {
    const r = await upload('resident1', form(PNG));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ contentType: 'image/png', fileName: 'leak.png', size: PNG.length });
    expect(r.body.id).toMatch(/^[a-f0-9]{24}$/);

    const own = await read('resident1', r.body.id);
    expect(own.status).toBe(200);
    expect(own.type).toBe('image/png');
    expect(own.bytes.equals(Buffer.from(PNG))).toBe(true);
    expect((await read('dispatcher1', r.body.id)).status).toBe(200);
  });

  it("another resident gets 404 for someone else's photo", async () => {
    const r = await upload('resident1', form(PNG));
    const other = await read('resident2', r.body.id);
    expect(other.status).toBe(404);
  });

  it('the id can be attached to a work order', async () => {
    const r = await upload('resident1', form(PNG));
    const order = await h.post('/api/work-orders', { ...residentRepair(), attachments: [r.body.id] }, { as: 'resident1' });
    expect(order.status, order.text).toBe(201);
    expect(order.body.attachments).toEqual([r.body.id]);
  });

  it('the type comes from the bytes: a text file named .png is 415, nothing stored', async () => {
    const r = await upload('resident1', form(new TextEncoder().encode('not an image at all'), 'fake.png', 'image/png'));
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(await h.conn.collection('uploads').countDocuments({ fileName: 'fake.png' })).toBe(0);
  });

  it('a body that is not multipart is 415', async () => {
    const r = await upload('resident1', JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a file over 5 MiB is 413, nothing stored', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(PNG);
    const r = await upload('resident1', form(big, 'big.png'));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('FILE_TOO_LARGE');
    expect(await h.conn.collection('uploads').countDocuments({ fileName: 'big.png' })).toBe(0);
  });

  it('no file, an empty file, a second file, or a broken multipart body is 400', async () => {
    const none = new FormData();
    none.append('note', 'hello');
    expect((await upload('resident1', none)).status).toBe(400);
    expect((await upload('resident1', form(new Uint8Array(0)))).status).toBe(400);
    const two = form(PNG);
    two.append('file', new Blob([PNG], { type: 'image/png' }), 'b.png');
    expect((await upload('resident1', two)).status).toBe(400);
    const broken = await upload('resident1', '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG', {
      'content-type': 'multipart/form-data; boundary=xyz',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.length).toBeGreaterThan(0);
  });

  it('needs a token (401); a junk id is 400, an unknown one 404', async () => {
    expect((await upload(undefined, form(PNG))).status).toBe(401);
    expect((await read('dispatcher1', 'nope')).status).toBe(400);
    expect((await read('dispatcher1', '0123456789abcdef01234567')).status).toBe(404);
  });
});
