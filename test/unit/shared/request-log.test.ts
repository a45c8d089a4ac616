import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../shared/errors/index.ts';
import { errorMiddleware } from '../../../shared/http/error-middleware.ts';
import { requestLog } from '../../../shared/http/request-log.ts';
import { createLogger } from '../../../shared/logging/logger.ts';

function app(level: 'info' | 'warn') {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level, destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  const a = express();
  a.use(requestLog(log, { ignore: new Set(['/healthz']) }));
  a.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  a.get('/ok', (req, res) => {
    req.log!.info({ step: 'inside' }, 'handler line');
    res.json({ ok: true });
  });
  a.get('/missing', (_req, res) => void res.status(404).json({}));
  a.get('/broken', (_req, res) => void res.status(503).json({}));
  return { a, lines };
}

describe('requestLog: one line per request, with its id', () => {
  it('logs each response at info, 4xx at warn, 5xx at error as "request errored", and every line of a request carries req', async () => {
    const { a, lines } = app('info');
    const ok = await request(a).get('/ok?x=1').set('x-request-id', 'abc-123');
    expect(ok.headers['x-request-id']).toBe('abc-123');
    await request(a).get('/missing');
    await request(a).get('/broken');
    await request(a).get('/healthz');
    await request(a).get('/healthz?probe=1');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'handler line'],
      [30, 'request completed'],
      [40, 'request completed'],
      [50, 'request errored'],
    ]);
    expect(lines[0]).toMatchObject({ step: 'inside', req: { id: 'abc-123', method: 'GET', url: '/ok?x=1' } });
    expect(lines[1]).toMatchObject({ req: { id: 'abc-123', method: 'GET', url: '/ok?x=1' }, res: { statusCode: 200 } });
    expect(typeof lines[1]!.responseTime).toBe('number');
    expect(lines[3]).toMatchObject({ req: { method: 'GET', url: '/broken' }, res: { statusCode: 503 } });
    expect((lines[3]!.req as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('at LOG_LEVEL=warn writes nothing for a successful request and still logs failures', async () => {
    const { a, lines } = app('warn');
    await request(a).get('/ok');
    await request(a).get('/missing');
    expect(lines.map((l) => [l.level, l.msg, (l.res as { statusCode: number }).statusCode])).toEqual([[40, 'request completed', 404]]);
  });
});

describe('errorMiddleware: the line it logs for a 5xx', () => {
  it('keeps the error text under its own key: one msg per line, which JSON readers would otherwise collapse', async () => {
    const raw: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (l: string) => void raw.push(l) } });
    const a = express();
    a.get('/down', () => {
      throw appError('QUEUE_UNAVAILABLE', 'enqueue rebuild-index: Redis did not answer');
    });
    a.use(errorMiddleware(log));
    expect((await request(a).get('/down')).status).toBe(503);
    const line = raw.find((l) => l.includes('request failed'))!;
    expect(line.match(/"msg":/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ code: 'QUEUE_UNAVAILABLE', reason: 'enqueue rebuild-index: Redis did not answer', msg: 'request failed' });
  });

  it('puts a 5xx’s cause on the request’s own line where requestLog runs: one line per failed request', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
    const a = express();
    a.use(requestLog(log, { ignore: new Set(['/healthz']) }));
    a.get('/down', () => {
      throw appError('QUEUE_UNAVAILABLE', 'enqueue rebuild-index: Redis did not answer');
    });
    a.get('/bug', () => {
      throw new TypeError('x is undefined');
    });
    a.get('/healthz', () => {
      throw new TypeError('probe bug');
    });
    a.use(errorMiddleware(log));
    expect((await request(a).get('/down')).status).toBe(503);
    expect((await request(a).get('/bug')).status).toBe(500);
    expect((await request(a).get('/healthz')).status).toBe(500);
    expect(lines.map((l) => [l.msg, (l.res as { statusCode?: number } | undefined)?.statusCode])).toEqual([
      ['request errored', 503],
      ['request errored', 500],
      ['unhandled error', undefined], // a probe gets no request line, so its failure gets its own
    ]);
    expect(lines[0]).toMatchObject({ code: 'QUEUE_UNAVAILABLE', reason: 'enqueue rebuild-index: Redis did not answer', req: { url: '/down' } });
    expect(lines[1]).toMatchObject({ code: 'INTERNAL', err: { type: 'TypeError', message: 'x is undefined' }, req: { url: '/bug' } });
    expect(String((lines[1]!.err as { stack: string }).stack)).toContain('TypeError: x is undefined');
    expect(lines[2]).toMatchObject({ err: { message: 'probe bug' } });
  });
});
