import { describe, expect, it } from 'vitest';

import worker from '../../workers/link-procedure.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('link-procedure', () => {
  it('R-RESP (4), R-QR-1: a developer legacy defect is transferred to quality rectification and the resident told', async () => {
    const { deps, orders, notifier } = fakes();
    const outcome = await worker.createHandler(deps)(job('link-procedure', { responsibility: 'developer' }, headersOf('link-quality-procedure')));
    expect(outcome).toEqual({ outcome: 'complete', variables: { linkedProcedure: 'quality' } });
    expect(orders.order()).toMatchObject({ status: 'closed', fields: { linkedProcedure: 'quality' } });
    expect(orders.types()).toEqual(['transferred']);
    expect(notifier.to('resident')).toHaveLength(1);
  });

  it('refuses an unknown procedure named by the model', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('link-procedure', {}, { procedure: 'magic' }));
    expect(outcome).toMatchObject({ outcome: 'fail', retries: 0 });
  });
});
