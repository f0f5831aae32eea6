/** The HTTP contract client: bearer token from the session, JSON in and out, errors as ApiError. */

export interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'propflow.token';

export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (t: string | null): void => (t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY)),
};

/** Called on a 401 (the session ended): the shell shows the login again. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

async function request(method: string, path: string, body?: unknown, init: RequestInit = {}, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...extraHeaders };
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`/api${path}`, { method, headers, body: payload, ...init });
  if (!res.ok) {
    let parsed: ErrorBody | undefined;
    try {
      parsed = (await res.json()) as ErrorBody;
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && path !== '/auth/login') onUnauthorized();
    throw new ApiError(res.status, parsed?.error.code ?? `HTTP_${res.status}`, parsed?.error.message ?? res.statusText, parsed?.error.details ?? []);
  }
  return res;
}

export const api = {
  async get<T>(path: string): Promise<T> {
    return (await (await request('GET', path)).json()) as T;
  },
  async post<T>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<T> {
    return (await (await request('POST', path, body, {}, headers)).json()) as T;
  },
  async text(path: string): Promise<string> {
    return (await request('GET', path)).text();
  },
  async blob(path: string): Promise<Blob> {
    return (await request('GET', path)).blob();
  },
  /** 200 → true, anything else → false (the demo clock answers 404 when clock control is off). */
  async ok(path: string): Promise<boolean> {
    try {
      await request('GET', path);
      return true;
    } catch {
      return false;
    }
  },
};

/** Query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}
