import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from '../../../shared/logging/logger.ts';
import { redactLogLine } from '../../../shared/logging/redacting-destination.ts';
import { createRedactor } from '../../../shared/privacy/pii-redactor.ts';

function capture(pii?: LoggerOptions['pii']) {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', pii, destination: { write: (l: string) => void lines.push(l) } });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('log lines: personal data masked wherever it is', () => {
  it('masks the message, nested fields, bound fields and error messages; leaves numbers alone', () => {
    const { log, parsed, lines } = capture();
    log.child({ session: { note: 'for jane.doe@example.com' } }).info(
      { text: 'card 4111 1111 1111 1111, call +44 7700 900123', nested: { deep: ['12 Baker Street'] }, n: 5551234567, err: new Error('bad input: jo@example.com') },
      'customer said jo@example.com',
    );
    const [line] = parsed();
    expect(line).toMatchObject({
      msg: 'customer said [email]',
      text: 'card [card], call [phone]',
      nested: { deep: ['[address]'] },
      session: { note: 'for [email]' },
      n: 5551234567,
      err: { message: 'bad input: [email]' },
    });
    expect(lines[0]).not.toMatch(/jane|jo@|4111|7700|Baker/);
    expect(typeof line!.time).toBe('number');
  });

  it("keeps a request's or job's id as it came, numeric or not, and masks the rest of its line", () => {
    const { log, parsed } = capture();
    for (const id of ['1700000000123', '8448-2111-1234', '20240601123045']) {
      log.child({ req: { id, method: 'GET', url: '/v1/search?q=call 555 123 4567' } }).info({ other: { id: '5551234567' }, jobId: 'train-repeat:nightly:1732500000000' }, 'request');
    }
    for (const [i, line] of parsed().entries()) {
      expect((line.req as { id: string }).id).toBe(['1700000000123', '8448-2111-1234', '20240601123045'][i]);
      expect((line.req as { url: string }).url).toBe('/v1/search?q=call [phone]');
      expect(line.jobId).toBe('train-repeat:nightly:1732500000000');
      // an id under another key is no request id
      expect(line.other).toEqual({ id: '[phone]' });
    }
  });

  it('masks URL-encoded text (a search query in a request line)', () => {
    const redact = createRedactor();
    const line = `${JSON.stringify({ req: { url: '/v1/kb/search?q=mail%20jane.doe%40example.com%20or%20%2B44%207700%20900123' } })}\n`;
    const out = JSON.parse(redactLogLine(line, redact)) as { req: { url: string } };
    expect(out.req.url).toBe('/v1/kb/search?q=mail [email] or [phone]');
    // nothing to mask: the line is passed on as it came
    const plain = `${JSON.stringify({ req: { url: '/v1/items/i%2042?k=10' }, time: 1718000000000 })}\n`;
    expect(redactLogLine(plain, redact)).toBe(plain);
  });

  it('masks encoded text next to plain PII and next to malformed escapes', () => {
    const redact = createRedactor();
    const url = (u: string) => (JSON.parse(redactLogLine(`${JSON.stringify({ url: u })}\n`, redact)) as { url: string }).url;
    // a plain e-mail is masked first (`%` may be part of an address); the encoded card beside it must not survive
    expect(url('/v1/search?q=mail%20jo@example.com%20card%204111111111111111&k=0')).toBe('/v1/search?q=[email] card [card]&k=0');
    // `50%` cannot be decoded; the escapes that can still are
    expect(url('/v1/search?q=50%&card=4111%201111%201111%201111')).toBe('/v1/search?q=50%&card=[card]');
  });

  it('masks only the configured kinds, and nothing with none', () => {
    const some = capture(['email']);
    some.log.info({ text: 'jo@example.com +44 7700 900123' }, 'x');
    expect(some.parsed()[0]!.text).toBe('[email] +44 7700 900123');
    const none = capture([]);
    none.log.info({ text: 'jo@example.com' }, 'x');
    expect(none.parsed()[0]!.text).toBe('jo@example.com');
  });
});
