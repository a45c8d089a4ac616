import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.ts';

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.EMBED_DEVICE).toBe('cpu');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('coerces numbers and booleans from strings, treating blanks as unset', () => {
    const c = loadConfig({ PORT: '9000', EMBED_NORMALIZE: 'false', EMBED_MAX_BATCH: '' });
    expect(c.PORT).toBe(9000);
    expect(c.EMBED_NORMALIZE).toBe(false);
    expect(c.EMBED_MAX_BATCH).toBe(64);
  });

  it('fails at boot with CONFIG_INVALID naming every bad variable', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', EMBED_DEVICE: 'tpu' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((caught as Error).message).toMatch(/PORT/);
    expect((caught as Error).message).toMatch(/EMBED_DEVICE/);
  });

  it('refuses a default list length above the largest one a request may ask for', () => {
    expect(() => loadConfig({ RECOMMEND_DEFAULT_K: '200', RECOMMEND_MAX_K: '100' })).toThrow(/RECOMMEND_DEFAULT_K: 200 is above RECOMMEND_MAX_K \(100\)/);
    expect(loadConfig({ RECOMMEND_DEFAULT_K: '100', RECOMMEND_MAX_K: '100' }).RECOMMEND_DEFAULT_K).toBe(100);
    expect(() => loadConfig({ EMBED_MAX_QUEUE: '600', EMBED_MAX_INPUTS: '2048' })).toThrow(/EMBED_MAX_QUEUE: 600 is below EMBED_MAX_INPUTS \(2048\)/);
    expect(loadConfig({ EMBED_MAX_QUEUE: '100', EMBED_MAX_INPUTS: '100' }).EMBED_MAX_QUEUE).toBe(100);
  });

  it('refuses settings that conflict: several API processes with the workers inside the API (START_MODE=one-process)', () => {
    expect(loadConfig({ API_PROCESSES: '2' }).API_PROCESSES).toBe(2);
    expect(loadConfig({ START_MODE: 'one-process' }).API_PROCESSES).toBe(1);
    expect(() => loadConfig({ API_PROCESSES: '2', START_MODE: 'one-process' })).toThrow(/API_PROCESSES: 2 serving processes cannot share one process with the workers/);
    expect(() => loadConfig({ API_PROCESSES: '0' })).toThrow(/API_PROCESSES/);
  });

  it.each([
    ['NIGHTLY_CRON', 'a b c d e'],
    ['RETENTION_CRON', '99 99 * * *'],
    ['NIGHTLY_TZ', 'Mars/Olympus'],
    ['HTTP_BODY_LIMIT', 'abc'],
    ['HTTP_BODY_LIMIT', '0'],
    ['REDIS_URL', 'redis://127.0.0.1:6379/abc'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_URL', '127.0.0.1:6379'],
  ])('refuses %s=%j at boot, not when the worker or the server first uses it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('takes the schedules, time zones and sizes their users take', () => {
    const c = loadConfig({ NIGHTLY_CRON: '15 4 * * 1-5', RETENTION_CRON: 'off', NIGHTLY_TZ: 'Europe/Paris', HTTP_BODY_LIMIT: '512kb' });
    expect([c.NIGHTLY_CRON, c.RETENTION_CRON, c.NIGHTLY_TZ, c.HTTP_BODY_LIMIT]).toEqual(['15 4 * * 1-5', 'off', 'Europe/Paris', '512kb']);
    expect(loadConfig({ HTTP_BODY_LIMIT: '1048576' }).HTTP_BODY_LIMIT).toBe('1048576');
    for (const url of ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379/3', 'rediss://user:secret@cache.internal:6380/0', 'redis://[::1]:6379/']) {
      expect(loadConfig({ REDIS_URL: url }).REDIS_URL).toBe(url);
    }
  });
});
