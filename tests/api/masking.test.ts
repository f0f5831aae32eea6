import { describe, expect, it } from 'vitest';
import { createLogger, type LogEntry } from '../../api/logger.js';
import { maskName, maskPhone, maskPhonesInText, redact } from '../../api/masking.js';

describe('masking of residents\' personal data (R-LED-1)', () => {
  it('phones keep the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('021-6000-0001')).toBe('021****0001');
  });

  it('names keep the first character', () => {
    expect(maskName('张伟')).toBe('张*');
    expect(maskName('王小明')).toBe('王**');
  });

  it('mobile numbers inside free text are masked, order numbers are not', () => {
    expect(maskPhonesInText('call 13812345678 about BX-20261123-0042')).toBe('call 138****5678 about BX-20261123-0042');
  });

  it('redact masks phone keys, reporter names and secrets, deeply', () => {
    expect(redact({ reporter: { name: '张伟', phone: '13812345678' }, password: 'demo', nested: [{ phone: '13987654321' }] })).toEqual({
      reporter: { name: '张*', phone: '138****5678' },
      password: '[redacted]',
      nested: [{ phone: '139****4321' }],
    });
  });

  it('the logger never writes a resident\'s phone or name', () => {
    const entries: LogEntry[] = [];
    const log = createLogger({ level: 'debug', sink: (e) => entries.push(e) });
    log.info('resident 13812345678 called', { body: { reporter: { name: '张伟', phone: '13812345678' } } });
    const line = JSON.stringify(entries);
    expect(line).not.toContain('13812345678');
    expect(line).not.toContain('张伟');
    expect(line).toContain('138****5678');
  });
});
