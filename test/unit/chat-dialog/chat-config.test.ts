import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.ts';

describe('chat configuration', () => {
  it('has defaults for every rule and threshold', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      CHAT_SESSION_TTL_SECONDS: 1800,
      CHAT_ANSWER_MIN_CONFIDENCE: 0.5,
      CHAT_HANDOFF_LOW_CONFIDENCE_TURNS: 2,
      CHAT_HANDOFF_NEGATIVE_TURNS: 2,
      CHAT_NEGATIVE_WINDOW_TURNS: 3,
      CHAT_HANDOFF_INTENTS: 'contact_human_agent',
      CHAT_STARTUP_TRAINING: 'full',
      CHAT_TEMPLATE_VALUES: {},
      REDIS_COMMAND_TIMEOUT_MS: 2000,
    });
  });

  it('reads shop placeholder values as a frozen JSON object of strings, and refuses anything else', () => {
    const c = loadConfig({ CHAT_TEMPLATE_VALUES: '{"Website Name": "shop.example"}' });
    expect(c.CHAT_TEMPLATE_VALUES).toEqual({ 'Website Name': 'shop.example' });
    expect(Object.isFrozen(c.CHAT_TEMPLATE_VALUES)).toBe(true);
    for (const bad of ['{"a": 1}', '["a"]', 'not json', 'null']) {
      expect(() => loadConfig({ CHAT_TEMPLATE_VALUES: bad }), bad).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/CHAT_TEMPLATE_VALUES/) }));
    }
  });

  it('refuses out-of-range thresholds', () => {
    expect(() => loadConfig({ CHAT_ANSWER_MIN_CONFIDENCE: '1.5' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => loadConfig({ CHAT_SESSION_TTL_SECONDS: '0' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => loadConfig({ CHAT_STARTUP_TRAINING: 'sometimes' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
