import { existsSync } from 'node:fs';
import { readCsvTable } from '../../../shared/datasets/read-csv.ts';
import { appError } from '../../../shared/errors/index.ts';
import type { LabelledExample } from '../classify/text-classifier.ts';

/**
 * Labelled texts from any CSV with a header: the `textColumn` and `labelColumn` of each row
 * (rows with an empty text or label are skipped). Throws `EVAL_DATASET_NOT_FOUND` /
 * `EVAL_DATASET_INVALID`.
 * @example readLabelledCsv('train.csv', 'text', 'category')
 */
export function readLabelledCsv(file: string, textColumn: string, labelColumn: string): LabelledExample[] {
  if (!existsSync(file)) throw appError('EVAL_DATASET_NOT_FOUND', `no such file: ${file}`, { file });
  let table: ReturnType<typeof readCsvTable>;
  try {
    table = readCsvTable(file);
  } catch (err) {
    throw appError('EVAL_DATASET_INVALID', err instanceof Error ? err.message : String(err), { file }, err);
  }
  const { header, rows } = table;
  for (const col of [textColumn, labelColumn]) {
    if (rows.length > 0 && !header.includes(col)) {
      throw appError('EVAL_DATASET_INVALID', `${file} has no column "${col}" (it has: ${header.join(', ')})`, { file, column: col });
    }
  }
  const out = rows
    .map((r) => ({ text: (r[textColumn] ?? '').trim(), label: (r[labelColumn] ?? '').trim() }))
    .filter((e) => e.text !== '' && e.label !== '');
  if (out.length === 0) throw appError('EVAL_DATASET_INVALID', `${file} has no labelled rows`, { file });
  return out;
}
