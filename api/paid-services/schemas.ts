/** Schemas of GET /api/reports/paid-services (R-PAID-7). */
import { z } from 'zod';

export const paidServicesQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-11'),
  communityId: z.string().trim().min(1).max(32).optional(),
});
export type PaidServicesQuery = z.output<typeof paidServicesQuery>;

const orderRef = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  item: z.string().nullable(),
  agreedFee: z.number().nullable(),
});

export const paidServicesReport = z
  .object({
    month: z.string(),
    from: z.string(),
    to: z.string(),
    registered: z.number().describe('paid-service orders registered in the month'),
    refused: z.number().describe('refused (out of scope, not feasible) or not consented: no service'),
    count: z.number().describe('services taken: registered − refused'),
    collected: z.number().describe('services whose fee was collected with a receipt'),
    totalFees: z.number().describe('yuan collected (sum of the receipts)'),
    handedOver: z.object({ count: z.number(), total: z.number().describe('yuan finance received') }),
    byItem: z.array(
      z.object({
        catalogueItemId: z.string().nullable().describe('null: outside the catalogue (assessed fee)'),
        item: z.string(),
        count: z.number(),
        collected: z.number(),
        total: z.number(),
      }),
    ),
    uncollected: z.array(orderRef).describe('services taken without a collected fee'),
    notHandedOver: z.array(orderRef.extend({ amount: z.number(), receiptNumber: z.string() })).describe('collected, not yet confirmed by finance'),
    differences: z.array(z.object({ id: z.string(), number: z.string(), amount: z.number(), amountReceived: z.number() })),
  })
  .meta({ id: 'PaidServicesReport' });
export type PaidServicesReport = z.infer<typeof paidServicesReport>;
