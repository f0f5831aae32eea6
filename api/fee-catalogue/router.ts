/**
 * The fee catalogue (维修项目收费标准, R-PAID-3).
 *   GET  /api/fee-catalogue          everyone signed in (prices are shown before the work)
 *   GET  /api/fee-catalogue/:id
 *   POST /api/fee-catalogue          admin
 *   PUT  /api/fee-catalogue/:id      admin
 */
import { idParam } from '../common-schemas.js';
import { endpoint, type Endpoint } from '../http.js';
import { createItemBody, itemList, itemView, listItemsQuery, replaceItemBody } from './schemas.js';
import type { FeeCatalogueService } from './service.js';

export function feeCatalogueRoutes(service: FeeCatalogueService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/fee-catalogue',
      tag: 'fee-catalogue',
      summary: 'The fee catalogue (维修项目收费标准): paid-service items and their prices',
      access: 'authenticated',
      query: listItemsQuery,
      response: itemList,
      handle: async ({ query }) => service.list(query),
    }),
    endpoint({
      method: 'get',
      path: '/fee-catalogue/:id',
      tag: 'fee-catalogue',
      summary: 'One item of the fee catalogue',
      access: 'authenticated',
      params: idParam,
      response: itemView,
      handle: async ({ params }) => service.get(params.id),
    }),
    endpoint({
      method: 'post',
      path: '/fee-catalogue',
      tag: 'fee-catalogue',
      summary: 'Add an item to the fee catalogue (admin)',
      description: '409 FEE_ITEM_EXISTS when the code is taken.',
      access: ['admin'],
      body: createItemBody,
      status: 201,
      response: itemView,
      errors: [409],
      handle: async ({ user, body }) => service.create(user, body),
    }),
    endpoint({
      method: 'put',
      path: '/fee-catalogue/:id',
      tag: 'fee-catalogue',
      summary: 'Replace an item of the fee catalogue (admin); orders already registered keep their price',
      description: 'Deactivate an item with `active: false`. 409 VERSION_CONFLICT when `version` is given and no longer current.',
      access: ['admin'],
      params: idParam,
      body: replaceItemBody,
      response: itemView,
      errors: [404, 409],
      handle: async ({ user, params, body }) => service.replace(user, params.id, body),
    }),
  ];
}
