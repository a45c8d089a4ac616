import { describe, expect, it } from 'vitest';
import { ModelHolder } from '../../../services/chat/models/model-holder.ts';

class Model {
  disposed = false;
  constructor(readonly name: string) {}
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

describe('ModelHolder', () => {
  it('answers CHAT_MODEL_NOT_LOADED until a model is in service', async () => {
    const h = new ModelHolder<Model>('intents');
    await expect(h.use(async (m) => m.name)).rejects.toMatchObject({ code: 'CHAT_MODEL_NOT_LOADED', details: { missing: ['intents'] } });
    expect(h.loaded).toBe(false);
  });

  it('lets a call finish on the model it started with, and disposes a replaced model once idle', async () => {
    const h = new ModelHolder<Model>('intents');
    const a = new Model('a');
    await h.swap(a, 'v1');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inFlight = h.use(async (m) => {
      await gate;
      return m.name;
    });
    const b = new Model('b');
    await h.swap(b, 'v2');
    expect(h.version).toBe('v2');
    expect(a.disposed).toBe(false);
    expect(await h.use(async (m) => m.name)).toBe('b');
    release();
    expect(await inFlight).toBe('a');
    expect(a.disposed).toBe(true);
    await h.close();
    expect(b.disposed).toBe(true);
    expect(h.loaded).toBe(false);
  });
});
