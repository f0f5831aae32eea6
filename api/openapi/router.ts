import { endpoint, type Endpoint } from '../http.js';
import { buildOpenApiDocument } from './document.js';

/** Serves the document built from every other endpoint and itself. */
export function openApiRoutes(others: readonly Endpoint[]): Endpoint[] {
  let doc: Record<string, unknown> | undefined;
  const self = endpoint({
    method: 'get',
    path: '/openapi.json',
    tag: 'meta',
    summary: 'This OpenAPI 3.1 document (no token needed)',
    access: 'public',
    handle: async () => {
      doc ??= buildOpenApiDocument([...others, self]);
      return doc;
    },
  });
  return [self];
}
