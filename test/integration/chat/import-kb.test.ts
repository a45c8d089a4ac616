import path from 'node:path';
import { Command } from 'commander';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImportKbCommand } from '../../../bin/commands/import-kb.command.ts';
import { registerImportCommands } from '../../../bin/commands/import.command.ts';
import { sharedDir } from '../../support/paths.ts';
import { runCliInProcess, lastJsonLine } from '../../support/cli-in-process.ts';
import { until, untilSignalsSubscribed } from '../../support/redis.ts';
import { startChatApi, type ChatTestApi } from './chat-test-api.ts';

const BITEXT = path.join(sharedDir(), 'data', 'customer-support', 'bitext_customer_support_training.csv');

function program(): Command {
  const p = new Command('affinity').exitOverride();
  registerImportCommands(p);
  registerImportKbCommand(p.commands.find((c) => c.name() === 'import')!);
  return p;
}

/** Runs `affinity import kb …` in process with the API's configuration; returns stdout. */
const cli = (t: ChatTestApi, args: string[]) => runCliInProcess(program(), ['import', 'kb', ...args], t.config);

describe('affinity import kb --bitext', () => {
  let t: ChatTestApi;
  beforeAll(async () => {
    t = await startChatApi();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers kb under the one import command', () => {
    const p = program();
    expect(p.commands.filter((c) => c.name() === 'import')).toHaveLength(1);
    expect(p.commands.find((c) => c.name() === 'import')!.commands.map((c) => c.name())).toEqual(['movielens', 'kb']);
  });

  it('stores one entry per intent, and a running API reindexes it when told over Redis', async () => {
    // the API's subscription to model signals must be up before the command announces
    await untilSignalsSubscribed(t.redis.url, t.config.REDIS_PREFIX);
    expect((await request(t.api.app).get('/v1/kb/search').query({ q: 'track my order' })).body.hits).toEqual([]);

    const stdout = await cli(t, ['--bitext', BITEXT, '--json']);
    const result = lastJsonLine<{ entries: number; questions: number; intents: string[]; announced: boolean; file: string }>(stdout);
    expect(result).toMatchObject({ entries: 27, questions: 27 * 20, announced: true, file: BITEXT });
    expect(result.intents).toContain('track_order');

    await until('the API to reindex the knowledge base', 10_000, async () => t.api.chat.kb.index.size === 27);
    const hits = (await request(t.api.app).get('/v1/kb/search').query({ q: 'I want to track my order', k: 3 })).body.hits;
    expect(hits[0]).toMatchObject({ id: 'bitext-track_order', intent: 'track_order', tags: ['order'] });
    const entry = (await request(t.api.app).get('/v1/kb/entries/bitext-cancel_order')).body;
    expect(entry.questions).toHaveLength(20);
    expect(entry.slots.length).toBeGreaterThan(0);
    expect(entry.answer).toContain(`{{${entry.slots[0]}}}`);
  });

  it('is idempotent: importing again replaces the entries', async () => {
    await cli(t, ['--bitext', BITEXT, '--questions', '3', '--json']);
    expect(await t.api.chat.kb.get('bitext-track_order')).toMatchObject({ questions: expect.any(Array) });
    expect((await t.api.chat.kb.get('bitext-track_order')).questions).toHaveLength(3);
  });

  it('fails with KB_IMPORT_INVALID for a file that is not the Bitext format', async () => {
    await expect(cli(t, ['--bitext', path.join(sharedDir(), 'data', 'banking77', 'test.csv')])).rejects.toMatchObject({ code: 'KB_IMPORT_INVALID' });
  });
});
