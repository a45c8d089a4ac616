import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { appError } from '../errors/index.ts';

/**
 * Reads a CSV with a header row into records (quoted fields may hold newlines).
 * @example readCsv('../shared/data/banking77/test.csv') // [{ text: '…', category: '…' }, …]
 */
export function readCsv(file: string): Record<string, string>[] {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw appError('VALIDATION_FAILED', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parse(raw, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Record<string, string>[];
}
