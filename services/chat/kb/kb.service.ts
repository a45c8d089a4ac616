import { appError } from '../../../shared/errors/index.ts';
import type { Logger } from '../../../shared/logging/logger.ts';
import { textHash, vectorSpace, type EmbedService } from '../../embed/index.ts';
import type { KbVectorRepository } from './kb-vector.repository.ts';
import { templateSlots } from './answer-template.ts';
import { KbIndex, type KbHit } from './kb-index.ts';
import type { KbRepository } from './kb.repository.ts';
import { KB_ID, type KbEntry, type KbEntryInput } from './kb.schema.ts';

export interface KbSearchHit extends KbHit {
  entry: KbEntry;
}

export interface KbServiceOptions {
  maxBatch: number;
  /** Weight of the embedding retriever, read per request (it depends on the encoder in service). */
  denseWeight: () => number;
  log: Logger;
  /** Where question embeddings are kept between processes and restarts; without it, every load embeds them all. */
  vectors?: KbVectorRepository;
  /** Told after each change is stored and indexed here, so that the other serving processes apply it (`applyChange`). */
  onChange?: (change: KbChange) => Promise<void>;
}

/** Entries written or deleted by another serving process: each id is read again from the database. */
export interface KbChange {
  upserted: string[];
  removed: string[];
}

/** Texts embedded per call while loading, so one huge knowledge base does not fill the embed queue. */
const LOAD_CHUNK = 512;

/** An entry as the API shows it: with the template slots of its answer. */
export const presentEntry = (e: KbEntry) => ({ ...e, slots: templateSlots(e.answer) });

/**
 * The FAQ knowledge base: entries in the database, their retrieval index in memory. A batch
 * is checked and embedded before anything is written, then stored in one transaction, then
 * indexed; changes are serialised so the index always follows the database's order.
 */
export class KbService {
  private live = new KbIndex();
  /** Questions embedded by this process (not read back from the store): a measure for tests and logs. */
  embeddedQuestions = 0;
  private loaded = false;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: KbRepository,
    private readonly embed: EmbedService,
    private readonly opts: KbServiceOptions,
  ) {}

  /** The retrieval index in service (replaced whole by `load`). */
  get index(): KbIndex {
    return this.live;
  }

  get ready(): boolean {
    return this.loaded;
  }

  private assertReady(): void {
    if (!this.loaded) throw appError('NOT_READY', 'the knowledge base is still loading');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Question embeddings per entry, or undefined per entry when no encoder is loaded: read from
   * the store where an earlier embedding of the same text under the same encoder is kept, the
   * rest embedded (and stored).
   */
  private async questionVectors(entries: readonly { questions: string[] }[]): Promise<Array<Float32Array[] | undefined>> {
    const info = this.embed.info;
    if (!this.embed.ready || !info) return entries.map(() => undefined);
    const space = vectorSpace(info);
    const texts = entries.flatMap((e) => e.questions);
    const hashes = texts.map(textHash);
    const stored = this.opts.vectors ? await this.opts.vectors.get(space, [...new Set(hashes)]) : new Map<string, Float32Array>();
    const missing = [...new Map(texts.map((t, i) => [hashes[i]!, t] as const)).entries()].filter(([h]) => stored.get(h)?.length !== info.dim);
    for (let i = 0; i < missing.length; i += LOAD_CHUNK) {
      const part = missing.slice(i, i + LOAD_CHUNK);
      const { vectors } = await this.embed.embedAll(part.map(([, t]) => t));
      part.forEach(([h], j) => stored.set(h, vectors[j]!));
      await this.opts.vectors?.put(space, part.map(([hash], j) => ({ hash, vector: vectors[j]! })));
    }
    this.embeddedQuestions += missing.length;
    const vectors = hashes.map((h) => stored.get(h)!);
    let at = 0;
    return entries.map((e) => {
      const v = vectors.slice(at, at + e.questions.length);
      at += e.questions.length;
      return v;
    });
  }

  /**
   * Builds a fresh index from every stored entry and swaps it in: at start, and when entries
   * were written behind the API's back (`affinity import kb`). Searches go on meanwhile.
   */
  async load(): Promise<number> {
    return this.serial(async () => {
      const started = performance.now();
      const embeddedBefore = this.embeddedQuestions;
      const readAt = Date.now();
      const entries = await this.repo.all();
      const vectors = await this.questionVectors(entries);
      const next = new KbIndex();
      for (let i = 0; i < entries.length; i++) await next.upsert(entries[i]!, vectors[i]);
      // the old index is plain memory (a flat index): searches still running on it finish, then it is collected
      this.live = next;
      this.loaded = true;
      // the vectors of questions no entry has any more; those stored since the read are spared
      if (this.opts.vectors) await this.opts.vectors.prune(new Set(entries.flatMap((e) => e.questions).map(textHash)), readAt - 60_000);
      this.opts.log.info({ entries: entries.length, embedded: this.embeddedQuestions - embeddedBefore, ms: Math.round(performance.now() - started) }, 'knowledge base indexed');
      return entries.length;
    });
  }

  /**
   * Applies a change another serving process made and announced: each id is read from the
   * database and indexed, or dropped when it is gone, without rebuilding the whole index (which
   * embeds every question again). Read under the same lock as every change, so the index ends
   * as the database is, whatever order the announcements arrive in.
   */
  async applyChange(change: KbChange): Promise<void> {
    const ids = [...new Set([...change.upserted, ...change.removed])].filter((id) => KB_ID.test(id));
    await this.serial(async () => {
      const stored = await this.repo.getMany(ids);
      const vectors = await this.questionVectors(stored);
      const present = new Set<string>();
      for (let i = 0; i < stored.length; i++) {
        await this.live.upsert(stored[i]!, vectors[i]);
        present.add(stored[i]!.id);
      }
      for (const id of ids) if (!present.has(id)) await this.live.remove(id);
    });
  }

  /**
   * Inserts or replaces a batch; a rejected batch changes nothing.
   * @example await kb.upsert([{ id: 'refunds', questions: ['how do I get a refund?'], answer: 'Write to {{Customer Support Email}}.' }])
   */
  async upsert(entries: readonly KbEntryInput[]): Promise<KbEntry[]> {
    this.assertReady();
    if (entries.length > this.opts.maxBatch) {
      throw appError('KB_BATCH_TOO_LARGE', `${entries.length} entries in one batch; at most ${this.opts.maxBatch}`, { limit: this.opts.maxBatch });
    }
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.id)) throw appError('DUPLICATE_ID_IN_BATCH', `entry "${e.id}" appears twice in the batch`, { id: e.id });
      seen.add(e.id);
    }
    const vectors = await this.questionVectors(entries);
    const stored = await this.serial(async () => {
      const written = await this.repo.upsertMany(entries);
      for (let i = 0; i < written.length; i++) await this.index.upsert(written[i]!, vectors[i]);
      return written;
    });
    this.announce({ upserted: stored.map((e) => e.id), removed: [] });
    return stored;
  }

  /** Tells the other serving processes; the change is stored, so a failure only delays them until their next reload. */
  private announce(change: KbChange): void {
    this.opts.onChange?.(change).catch((err: unknown) => this.opts.log.warn({ err }, 'could not announce a knowledge base change; other API processes see it after their next reload'));
  }

  async get(id: string): Promise<KbEntry> {
    // an id no entry can have (a NUL, which PostgreSQL cannot even compare) is looked up nowhere
    const entry = KB_ID.test(id) ? await this.repo.get(id) : undefined;
    if (!entry) throw appError('KB_ENTRY_NOT_FOUND', `no knowledge base entry "${id}"`, { id });
    return entry;
  }

  async remove(id: string): Promise<void> {
    this.assertReady();
    await this.serial(async () => {
      if (!KB_ID.test(id) || !(await this.repo.remove(id))) throw appError('KB_ENTRY_NOT_FOUND', `no knowledge base entry "${id}"`, { id });
      await this.index.remove(id);
    });
    this.announce({ upserted: [], removed: [id] });
  }

  /**
   * Hybrid retrieval: BM25 over question variants and answers, nearest question embeddings,
   * fused by reciprocal rank (dense weighted by DENSE_WEIGHT).
   * @example await kb.search('how can I track my parcel', 3)
   */
  async search(query: string, k: number, filter?: (entry: KbEntry) => boolean): Promise<KbSearchHit[]> {
    this.assertReady();
    const index = this.live;
    const denseWeight = this.opts.denseWeight();
    const vector = denseWeight > 0 && this.embed.ready ? (await this.embed.embed([query])).vectors[0] : undefined;
    const hits = await index.search(query, vector, k, { denseWeight, filter });
    return hits.flatMap((h) => {
      const entry = index.get(h.id);
      return entry ? [{ ...h, entry }] : [];
    });
  }

  async close(): Promise<void> {
    await this.live.dispose();
  }
}
