import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, appError } from '../../../shared/errors/index.ts';
import { repoRoot } from '../../support/paths.ts';

describe('error codes', () => {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8');

  it.each(Object.keys(ERROR_CODES))('%s is documented in docs/errors.md with its status', (code) => {
    const status = ERROR_CODES[code as keyof typeof ERROR_CODES].status;
    expect(doc).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
  });

  it('the factory carries code, status and details', () => {
    const e = appError('EMBED_MODEL_UNKNOWN', 'nope', { model: 'x' });
    expect(e).toMatchObject({ code: 'EMBED_MODEL_UNKNOWN', status: 400, message: 'nope', details: { model: 'x' } });
    expect(e).toBeInstanceOf(Error);
  });
});
