import { existsSync } from 'node:fs';
import { readCsvTable } from '../../../shared/datasets/read-csv.ts';
import { appError } from '../../../shared/errors/index.ts';
import { terms } from '../../../shared/search/text-terms.ts';
import type { KbRepository } from './kb.repository.ts';
import { kbEntry, type KbEntryInput } from './kb.schema.ts';

export interface BitextKbOptions {
  /** Question variants kept per intent, chosen to cover the most distinct words. @defaultValue 20 */
  questionsPerIntent?: number;
}

const REQUIRED = ['instruction', 'intent', 'response'] as const;

function unitTermVector(text: string): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms(text)) tf.set(t, (tf.get(t) ?? 0) + 1);
  let norm = 0;
  for (const v of tf.values()) norm += v * v;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (const [t, v] of tf) tf.set(t, v * inv);
  return tf;
}

/**
 * The response closest to the centroid of its intent's responses (bag of words, cosine): the
 * most typical wording, rather than the first or the longest. Ties go to the earliest.
 */
export function representativeResponse(responses: readonly string[]): string {
  const vectors = responses.map(unitTermVector);
  const centroid = new Map<string, number>();
  for (const v of vectors) for (const [t, x] of v) centroid.set(t, (centroid.get(t) ?? 0) + x);
  let best = 0;
  let bestScore = -Infinity;
  vectors.forEach((v, i) => {
    let s = 0;
    for (const [t, x] of v) s += x * (centroid.get(t) ?? 0);
    if (s > bestScore + 1e-12) {
      bestScore = s;
      best = i;
    }
  });
  return responses[best]!;
}

/**
 * Whether a response is a reusable template rather than an answer to one instruction: it must
 * not repeat the instruction's entity (an order number, a city, "Mr. Jones") nor hold any
 * other long number or sum of money (the data echoes order numbers and amounts in many).
 */
function isGeneric(response: string, entityValue: string | undefined): boolean {
  if (entityValue && entityValue.length > 1 && response.includes(entityValue)) return false;
  const text = response.replace(/\{\{[^{}]*\}\}/g, '');
  return !/\d{4,}/.test(text) && !/[$€£]\s?\d/.test(text);
}

/**
 * `n` question variants that cover the most distinct words: greedily, each pick the one adding
 * the most words not yet covered (numbers aside), ties to the earliest. Spread-out wordings
 * retrieve better than the near-duplicates ("check order 123 status", "check order 456
 * status") the data set is full of.
 */
export function diverseQuestions(questions: readonly string[], n: number): string[] {
  if (questions.length <= n) return [...questions];
  const words = questions.map((q) => new Set(terms(q).filter((t) => !/\d/.test(t))));
  const covered = new Set<string>();
  const picked: number[] = [];
  const free = new Set(questions.keys());
  while (picked.length < n) {
    let best = -1;
    let gain = -1;
    for (const i of free) {
      let g = 0;
      for (const w of words[i]!) if (!covered.has(w)) g++;
      if (g > gain) {
        gain = g;
        best = i;
      }
    }
    picked.push(best);
    free.delete(best);
    for (const w of words[best]!) covered.add(w);
  }
  return picked.sort((a, b) => a - b).map((i) => questions[i]!);
}

/**
 * Knowledge base entries from the Bitext customer-support CSV (columns `instruction`, `intent`,
 * `response`, optional `category` and `entity_value`): one entry per intent, id
 * `bitext-<intent>`, its instructions as question variants, a representative response as
 * the answer (the most typical of those that name no particular order, invoice or person; its
 * `{{placeholders}}` kept as template slots), the category as a tag.
 * @example kbEntriesFromBitext('../shared/data/customer-support/bitext_customer_support_training.csv')
 */
export function kbEntriesFromBitext(file: string, opts: BitextKbOptions = {}): KbEntryInput[] {
  if (!existsSync(file)) throw appError('KB_IMPORT_INVALID', `no such file: ${file}`, { file });
  let table: ReturnType<typeof readCsvTable>;
  try {
    table = readCsvTable(file);
  } catch (err) {
    throw appError('KB_IMPORT_INVALID', err instanceof Error ? err.message : String(err), { file }, err);
  }
  // the header's columns: a short first row would otherwise read as a missing column
  const { header, rows } = table;
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw appError('KB_IMPORT_INVALID', `${file} lacks the column(s) ${missing.join(', ')} of the Bitext format`, { file, missing });
  }
  const perIntent = opts.questionsPerIntent ?? 20;
  const groups = new Map<string, { questions: string[]; seen: Set<string>; responses: string[]; generic: string[]; category: string | undefined }>();
  for (const r of rows) {
    const intent = r.intent?.trim();
    const question = r.instruction?.trim().replace(/\s+/g, ' ');
    const response = r.response?.trim();
    if (!intent || !question || !response) continue;
    let g = groups.get(intent);
    if (!g) groups.set(intent, (g = { questions: [], seen: new Set(), responses: [], generic: [], category: r.category?.trim() || undefined }));
    const key = question.toLowerCase();
    if (!g.seen.has(key)) {
      g.seen.add(key);
      g.questions.push(question);
    }
    const text = response.replace(/\r\n/g, '\n');
    g.responses.push(text);
    if (isGeneric(text, r.entity_value?.trim())) g.generic.push(text);
  }
  const entries = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([intent, g]) => ({
      id: `bitext-${intent}`,
      questions: diverseQuestions(g.questions, perIntent),
      answer: representativeResponse(g.generic.length > 0 ? g.generic : g.responses),
      intent,
      tags: g.category ? [g.category.toLowerCase()] : [],
    }));
  // the same rules as PUT /v1/kb/entries
  return entries.map((e) => {
    const parsed = kbEntry.safeParse(e);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw appError('KB_IMPORT_INVALID', `intent "${e.intent}" makes an invalid entry: ${issue.path.join('.')}: ${issue.message}`, { file, intent: e.intent });
    }
    return parsed.data;
  });
}

/** Stores the Bitext entries (replacing earlier ones with the same ids) in one transaction. */
export async function importBitextKb(repo: KbRepository, file: string, opts: BitextKbOptions = {}): Promise<{ entries: number; questions: number; intents: string[] }> {
  const entries = kbEntriesFromBitext(file, opts);
  await repo.upsertMany(entries);
  return { entries: entries.length, questions: entries.reduce((n, e) => n + e.questions.length, 0), intents: entries.map((e) => e.intent!) };
}
