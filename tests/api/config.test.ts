import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTtlSeconds } from '../../api/config.js';

describe('config: one zod schema over the environment', () => {
  it('demo defaults: port 3000 on loopback, embedded engine, clock control on, a generated secret', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', engine: 'embedded', mode: 'demo', clockControl: true, jwtSecretGenerated: true });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(c.tokenTtlSeconds).toBe(8 * 3600);
  });

  it('test mode has clock control on; it can be switched off', () => {
    expect(loadConfig({ MODE: 'test' }).clockControl).toBe(true);
    expect(loadConfig({ MODE: 'test', CLOCK_CONTROL: 'false' }).clockControl).toBe(false);
  });

  it('production needs JWT_SECRET and MONGODB_URI, has no clock control, and refuses to turn it on', () => {
    expect(() => loadConfig({ MODE: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ MODE: 'production', CLOCK_CONTROL: 'true' });
    } catch (err) {
      const vars = (err as ConfigError).problems.map((p) => p.variable);
      expect(vars).toEqual(expect.arrayContaining(['JWT_SECRET', 'MONGODB_URI', 'CLOCK_CONTROL']));
    }
    const c = loadConfig({ MODE: 'production', JWT_SECRET: 'x'.repeat(40), MONGODB_URI: 'mongodb://db:27017/propflow' });
    expect(c.clockControl).toBe(false);
    expect(c.jwtSecretGenerated).toBe(false);
  });

  it('fails fast naming every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', ENGINE: 'camunda7', MODE: 'staging', TOKEN_TTL: 'forever' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const vars = (err as ConfigError).problems.map((p) => p.variable).sort();
      expect(vars).toEqual(['ENGINE', 'MODE', 'PORT', 'TOKEN_TTL']);
      expect((err as Error).message).toContain('PORT');
    }
  });

  it('token lifetimes: seconds, 8h-style, ISO durations', () => {
    expect(parseTtlSeconds('3600')).toBe(3600);
    expect(parseTtlSeconds('30m')).toBe(1800);
    expect(parseTtlSeconds('PT8H')).toBe(28800);
    expect(parseTtlSeconds('soon')).toBeUndefined();
  });
});
