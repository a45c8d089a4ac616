import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { appError } from '../errors/index.ts';

/**
 * Reads a CSV with a header row into its column names and records (quoted fields may hold
 * newlines; a short row lacks the keys of its missing columns, so ask `header` which columns
 * the file has, never the first record). `VALIDATION_FAILED` for a file that cannot be read or
 * parsed (an unclosed quote), naming it.
 * @example const { header, rows } = readCsvTable('../shared/data/banking77/test.csv')
 */
export function readCsvTable(file: string): { header: string[]; rows: Record<string, string>[] } {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw appError('VALIDATION_FAILED', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let header: string[] = [];
  try {
    const rows = parse(raw, {
      columns: (names: string[]) => (header = names),
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    }) as Record<string, string>[];
    return { header, rows };
  } catch (err) {
    throw appError('VALIDATION_FAILED', `cannot parse ${file} as CSV: ${err instanceof Error ? err.message : String(err)}`, { file }, err);
  }
}

/**
 * The records of a CSV with a header row (see {@link readCsvTable}).
 * @example readCsv('../shared/data/banking77/test.csv') // [{ text: '…', category: '…' }, …]
 */
export function readCsv(file: string): Record<string, string>[] {
  return readCsvTable(file).rows;
}
