import cronParser from 'cron-parser';
import { z } from 'zod';
import { API_KEY_PATTERN } from '../auth/api-key.ts';
import { parsePiiKinds } from '../privacy/pii-redactor.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A comma-separated list: trimmed, blanks dropped, frozen. */
const list = <T extends string>(allowed: (v: string) => v is T, what: string) =>
  z.string().transform((s, ctx) => {
    const items = s.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = items.filter((x) => !allowed(x));
    if (bad.length) ctx.addIssue({ code: 'custom', message: `not ${what}: ${bad.join(', ')}` });
    return Object.freeze(items as T[]);
  });
/** A schedule as BullMQ's scheduler reads it (the same parser), or `off`. */
const cron = (fallback: string) =>
  z
    .string()
    .refine((v) => v === 'off' || [5, 6].includes(v.trim().split(/\s+/).length), 'a cron expression (5 or 6 fields) or `off`')
    .refine((v) => {
      if (v === 'off') return true;
      try {
        cronParser.parseExpression(v);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid cron expression (minute hour day-of-month month day-of-week, e.g. `0 3 * * *`)')
    .default(fallback);

/** An IANA time zone the runtime knows (`UTC`, `Europe/Paris`). */
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not a time zone this runtime knows (an IANA name such as `UTC` or `Europe/Paris`)');

/** What ioredis connects to: `redis://` or `rediss://` (TLS), a host, and at most a database number as the path. */
const redisUrl = z.string().refine((v) => {
  if (!URL.canParse(v)) return false;
  const u = new URL(v);
  return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '' && /^\/?(\d{1,5})?$/.test(u.pathname);
}, 'must be redis://[user:password@]host[:port][/db] or rediss://… (TLS), db a number');

const OPENABLE = ['health', 'metrics', 'docs'] as const;
const isOpenable = (v: string): v is (typeof OPENABLE)[number] => (OPENABLE as readonly string[]).includes(v);
const isOrigin = (v: string): v is string => v === '*' || (URL.canParse(v) && new URL(v).origin === v);

/**
 * Every environment variable Affinity reads, with its default. The README's configuration
 * table lists the same variables; keep them in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port of the HTTP API. */
  PORT: int(0, 65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where Affinity keeps its state: database, model registry, generated models. */
  AFFINITY_DATA_DIR: z.string().default('./data'),
  /** The folder with shared datasets and the MiniLM tokenizer (read-only). */
  AFFINITY_SHARED_DIR: z.string().default('../shared'),
  /** Largest JSON body accepted, in bytes or with a unit (`8mb`). */
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\s*[1-9]\d*(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, 'a size in bytes, or with a unit: `8mb`, `512kb`, `1048576`')
    .default('8mb'),

  /** API keys with scopes on every route (docs/auth.md); `false` opens everything (only behind a gateway that authenticates). */
  AUTH_ENABLED: bool.default(true),
  /** Routes served without a key: `health` (/healthz, /readyz), `metrics` (/metrics), `docs` (/openapi.json, /docs), comma-separated; `none`. */
  AUTH_OPEN_ROUTES: z
    .string()
    .default('health,docs')
    .pipe(z.string().transform((v) => (v.trim() === 'none' ? '' : v)))
    .pipe(list(isOpenable, `one of ${OPENABLE.join(', ')} (or none)`)),
  /**
   * An admin key made known at start (`aff_<id>_<secret>`, a secret of 32 to 128 base64url
   * characters), e.g. from a secret store; with it set no key is generated at first start.
   */
  AFFINITY_ADMIN_KEY: z
    .string()
    .default('')
    .refine((v) => v === '' || API_KEY_PATTERN.test(v), { message: 'must be aff_<id>_<secret>: an id of letters and digits, a secret of 32 to 128 base64url characters' }),
  /** Requests per minute per API key (per client address on open routes); a key's own limit overrides it; 0 = no limit. */
  RATE_LIMIT_PER_MINUTE: int(0, 10_000_000).default(600),
  /** Origins browsers may call the API from, comma-separated (`https://shop.example`), or `*`; empty = none. */
  CORS_ORIGINS: list(isOrigin, 'an origin (scheme://host[:port]) or *').default([]),

  /** Redis: queues, chat sessions, hot-reload signals. */
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and queue of this deployment (several can share one Redis). */
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/).default('affinity'),
  /** `npm start` runs the API and the workers: in one process, two processes, or the API only. */
  START_MODE: z.enum(['one-process', 'two-processes', 'api-only']).default('two-processes'),
  /**
   * Processes serving the API on one port (node:cluster): up to one per core uses every core
   * for requests; each holds its own models and caches (memory × this). 1 = the API in the
   * process started.
   */
  API_PROCESSES: int(1, 64).default(1),
  /** The nightly retraining flow's schedule (cron) and time zone; `off` disables it. */
  NIGHTLY_CRON: cron('0 3 * * *'),
  NIGHTLY_TZ: timeZone.default('UTC'),
  /** Where a worker process serves `/metrics` (job durations and failures) on HOST; 0 = not served. */
  WORKER_METRICS_PORT: int(0, 65535).default(9465),
  /**
   * A worker holds a job's lock this long and renews it at half the time; a job whose worker
   * died (no renewal) is found by the stalled-job check every WORKER_STALLED_INTERVAL_MS and
   * run again by another worker.
   */
  WORKER_LOCK_MS: int(1000, 3_600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: int(500, 3_600_000).default(30_000),
  /**
   * CPU niceness (0–19) of training and of the worker process, so that on a shared machine
   * the API's requests win the cores from a retraining run.
   */
  WORKER_NICE: int(0, 19).default(19),
  /** A candidate is promoted unless its main metric is worse than the current one's by more than this. */
  PROMOTE_TOLERANCE: z.coerce.number().min(0).max(1).default(0.005),
  /**
   * Model versions kept per kind after each training besides the one in service: this many of
   * those once in service (rollback targets) and this many rejected candidates. 0 keeps all.
   */
  REGISTRY_KEEP_VERSIONS: int(0, 100_000).default(5),
  /**
   * PostgreSQL instead of SQLite: `postgres://user:password@host:5432/database` (or
   * `postgresql://`, with pg's query parameters such as `?sslmode=require`). Empty = SQLite.
   */
  DATABASE_URL: z
    .string()
    .default('')
    .refine((v) => v === '' || (/^postgres(ql)?:\/\//i.test(v) && URL.canParse(v)), { message: 'must be a postgres:// or postgresql:// URL' }),
  /** PostgreSQL: longest a statement may run before it is cancelled (a lock is waited for 10 s at most); 0 = no limit. */
  DATABASE_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(60_000),
  /** SQLite database file (default `<AFFINITY_DATA_DIR>/affinity.db`); unused with DATABASE_URL. */
  DATABASE_FILE: z.string().default(''),
  /** `full` keeps acknowledged writes through a power loss; `normal` through a process crash. */
  DB_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
  /** Most items in one `PUT /v1/items`, events in one `POST /v1/events`. */
  CATALOG_MAX_BATCH: int(1, 100_000).default(1000),
  EVENTS_MAX_BATCH: int(1, 1_000_000).default(10_000),
  /**
   * How far ahead of the server's clock an event's timestamp may be, in seconds (client clocks
   * drift, time zones get mixed up); a batch with a later one is refused. One event dated years
   * ahead would otherwise become "now" for the popularity model and decay every real event away.
   */
  EVENTS_MAX_FUTURE_SECONDS: int(0, 10 * 365 * 86_400).default(86_400),
  /** Recommendations: largest k a request may ask for, and the default. */
  RECOMMEND_MAX_K: int(1, 1000).default(100),
  RECOMMEND_DEFAULT_K: int(1, 1000).default(10),
  /** Users whose model candidates are cached (invalidated by a new event or a new model), and as many items' similar-item lists (invalidated by a new model); 0 turns both off. */
  RECOMMEND_CACHE_SIZE: int(0, 10_000_000).default(10_000),
  /**
   * Item fields whose values are the recommender's side features (EASE side information and
   * the content source): `category` or attribute names; `|` separates several values.
   */
  RECOMMEND_ITEM_FEATURES: list((v: string): v is string => /^[A-Za-z0-9_.-]{1,64}$/.test(v), 'a field name (letters, digits, _ . -)').default(['category', 'genres', 'tags']),
  /**
   * Validation folds each recommender source's hyper-parameters are searched on (the mean
   * nDCG@10 over them; the blend weights always use three). Each fold more is one more
   * training per trial: on ML-100K, 3 take train-recommend from about 125 s to about 245 s and
   * add 0.0019 mean test nDCG@10 over four seeds. 1 for a large catalogue, where EASE's trials
   * dominate (they grow with the cube of the item count).
   */
  RECOMMEND_SEARCH_FOLDS: int(1, 3).default(3),
  /**
   * Largest catalog EASE is trained for; above it the factor model and the others serve. EASE
   * inverts an items × items matrix: 12·n² bytes and n³ time, about 90 s a training at 5,000
   * items on one core (docs/operations.md, "Large catalogs"). 0 leaves EASE out.
   */
  RECOMMEND_EASE_MAX_ITEMS: int(0, 10_000).default(5000),
  /** Half-life of popularity and taste, in days. */
  RECOMMEND_HALF_LIFE_DAYS: z.coerce.number().positive().max(100_000).default(30),
  /**
   * Weight of dense (embedding) evidence in search and recommendations against lexical and
   * collaborative evidence; `auto` = 1, or 0 when the encoder declares random weights.
   */
  DENSE_WEIGHT: z.union([z.literal('auto'), z.coerce.number().min(0).max(100)]).default('auto'),
  /** Template turning an item into the text it is embedded from. */
  ITEM_TEXT_TEMPLATE: z.string().default('{title}. {category}. {description}. {attributes}'),

  /** A request-path Redis command (chat sessions) that takes longer fails with 503 REDIS_UNAVAILABLE. */
  REDIS_COMMAND_TIMEOUT_MS: int(1, 60_000).default(2000),

  /** Chat sessions expire this long after their last message. */
  CHAT_SESSION_TTL_SECONDS: int(1, 30 * 86_400).default(1800),
  /** Longest customer message, in characters. */
  CHAT_MAX_MESSAGE_CHARS: int(1, 100_000).default(2000),
  /** Calibrated intent confidence needed to answer; below it the bot asks to clarify. */
  CHAT_ANSWER_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.5),
  /** Low-confidence turns in a row that hand the customer to a human. */
  CHAT_HANDOFF_LOW_CONFIDENCE_TURNS: int(1, 100).default(2),
  /** Negative messages within the last CHAT_NEGATIVE_WINDOW_TURNS turns that hand off. */
  CHAT_HANDOFF_NEGATIVE_TURNS: int(1, 100).default(2),
  CHAT_NEGATIVE_WINDOW_TURNS: int(1, 100).default(3),
  /** A message counts as negative when the sentiment model says so with at least this confidence. */
  CHAT_NEGATIVE_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),
  /**
   * Share of ordinary support messages (the intent training texts) allowed to count as
   * negative: sentiment training raises the negative threshold above CHAT_NEGATIVE_MIN_CONFIDENCE
   * until no more of them do. 1: no such calibration.
   */
  CHAT_NEGATIVE_NEUTRAL_RATE: z.coerce.number().gt(0).max(1).default(0.05),
  /** Intents (comma-separated) that mean "let me talk to a person", and phrases that do. */
  CHAT_HANDOFF_INTENTS: z.string().default('contact_human_agent'),
  CHAT_HANDOFF_KEYWORDS: z.string().default('human,real person,agent,representative,operator,talk to someone,speak to someone'),
  /**
   * Small talk (comma-separated phrases): a message made only of these (and a few filler words
   * such as "so much", "there") is answered in kind, not classified. Empty: none of that kind.
   */
  CHAT_SMALL_TALK_GREETINGS: z.string().default('hi,hello,hey,hiya,greetings,good morning,good afternoon,good evening,i need help,i need some help,can you help me,can you help,help me,help'),
  CHAT_SMALL_TALK_THANKS: z.string().default('thanks,thank you,thx,ty,cheers,many thanks,much appreciated,appreciate it,ok,okay,got it,great,perfect,awesome,cool,nice'),
  CHAT_SMALL_TALK_GOODBYES: z.string().default("bye,goodbye,bye bye,see you,see ya,that's all,that is all,nothing else,no thanks,no thank you,have a nice day,have a good day"),
  /** Intents and phrases (comma-separated; a phrase also matches with a suffix: suggest → suggestions) that ask for product suggestions. */
  CHAT_RECOMMEND_INTENTS: z.string().default(''),
  CHAT_RECOMMEND_KEYWORDS: z.string().default('recommend,suggest,any ideas,gift idea,what should i buy'),
  /** Products offered when the bot recommends. */
  CHAT_RECOMMEND_K: int(1, 50).default(5),
  /** Alternatives returned with each intent (and named by a clarifying question). */
  CHAT_INTENT_TOP_K: int(2, 20).default(3),
  /** Share of a product title's words that must appear in a message to fill the product slot. */
  CHAT_PRODUCT_MIN_MATCH: z.coerce.number().min(0).max(1).default(0.75),
  /** Values of shop-wide answer placeholders, as a JSON object: {"Website Name": "shop.example"}. */
  CHAT_TEMPLATE_VALUES: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        const v: unknown = JSON.parse(s);
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) return Object.freeze(v as Record<string, string>);
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings' });
      return z.NEVER;
    }),
  /** Most entries in one PUT /v1/kb/entries. */
  CHAT_KB_MAX_BATCH: int(1, 100_000).default(1000),
  /**
   * With no intent or sentiment model in the registry, train one at start from the data sets
   * below: `full` (word/char n-grams and the encoder's embeddings), `lexical`, or `off`.
   */
  CHAT_STARTUP_TRAINING: z.enum(['full', 'lexical', 'off']).default('full'),
  /** Labelled intents (CSV with text/instruction and label/intent columns); empty = the Bitext sample in AFFINITY_SHARED_DIR. */
  CHAT_INTENTS_DATA: z.string().default(''),
  /** Labelled sentiment (the UCI sentences folder, or a CSV with text and label 0/1 or negative/positive); empty = AFFINITY_SHARED_DIR's. */
  CHAT_SENTIMENT_DATA: z.string().default(''),
  /** Copies of each corrected intent (POST /v1/chat/feedback) in the next intent training set. */
  CHAT_FEEDBACK_REPEAT: int(1, 100).default(3),

  /**
   * Personal data masked before a chat transcript, a training example (intent feedback) or a
   * log line is stored: comma-separated kinds among email, phone, card, address; `none` masks
   * nothing. The live session keeps slot values (Redis, CHAT_SESSION_TTL_SECONDS).
   */
  PII_REDACT: z
    .string()
    .default('email,phone,card,iban,address')
    .transform((s, ctx) => {
      try {
        return Object.freeze(parsePiiKinds(s));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  /** Events older than this many days (by their timestamp) are deleted by the purge-retention job; 0 keeps them forever. */
  RETENTION_EVENTS_DAYS: z.coerce.number().min(0).max(1_000_000).default(0),
  /** Stored chat texts (intent corrections, by creation time) older than this many days are deleted likewise; 0 keeps them forever. */
  RETENTION_TRANSCRIPTS_DAYS: z.coerce.number().min(0).max(1_000_000).default(365),
  /** When the purge-retention job runs (cron, in NIGHTLY_TZ); `off` disables the schedule. */
  RETENTION_CRON: cron('30 2 * * *'),

  /** Encoder: a Hugging Face model id or a local folder; empty = the generated offline encoder. */
  EMBED_MODEL: z.string().default(''),
  /** Public name of the served model (the `model` field of /v1/embeddings); default derived from EMBED_MODEL. */
  EMBED_MODEL_ID: z.string().default(''),
  /** Shape of the offline encoder generated when EMBED_MODEL is empty. */
  EMBED_OFFLINE_SHAPE: z.enum(['auto', 'tiny', 'minilm-l6']).default('auto'),
  /** Weights to run: fp32, int8 (onnx/model_quantized.onnx), or auto (int8 on CPU when present). */
  EMBED_DTYPE: z.enum(['auto', 'fp32', 'int8']).default('auto'),
  /** Execution provider: cpu, cuda, webgpu, or auto (accelerators first, CPU fallback). */
  EMBED_DEVICE: z.enum(['cpu', 'cuda', 'webgpu', 'auto']).default('cpu'),
  /** Inference worker threads, each with its own session; 0 = one per core on CPU, one on a GPU. */
  EMBED_WORKERS: int(0, 256).default(0),
  /** Threads one inference uses; 0 = cores / workers. */
  EMBED_INTRA_OP_THREADS: int(0, 1024).default(0),
  EMBED_INTER_OP_THREADS: int(0, 1024).default(1),
  /** Pooling override (otherwise the model's sentence-transformers config, else mean). */
  EMBED_POOLING: z.enum(['', 'mean', 'cls']).default(''),
  EMBED_NORMALIZE: bool.default(true),
  /** Token limit override (otherwise the model's max_seq_length / model_max_length). */
  EMBED_MAX_LENGTH: int(0, 100_000).default(0),
  /** Micro-batching: most texts one inference runs, most padded tokens, longest wait for company. */
  EMBED_MAX_BATCH: int(1, 4096).default(64),
  EMBED_MAX_BATCH_TOKENS: int(16, 1_000_000).default(8192),
  /** Fixed cost of one inference run, in tokens: a batch is split by length only when the padding saved exceeds it. */
  EMBED_RUN_OVERHEAD_TOKENS: int(0, 1_000_000).default(64),
  EMBED_MAX_WAIT_MS: z.coerce.number().min(0).max(1000).default(2),
  /** Most texts waiting to be embedded before requests get 503 EMBED_OVERLOADED. */
  EMBED_MAX_QUEUE: int(1, 10_000_000).default(20_000),
  /** Request limits of POST /v1/embeddings. */
  EMBED_MAX_INPUTS: int(1, 100_000).default(2048),
  EMBED_MAX_INPUT_CHARS: int(1, 10_000_000).default(20_000),
  /** LRU cache of embeddings keyed by (model, text); 0 disables it. */
  EMBED_CACHE_SIZE: int(0, 10_000_000).default(10_000),
  /** Where Hugging Face downloads go, and the hub to download from. */
  HF_CACHE_DIR: z.string().default(''),
  HF_ENDPOINT: z.string().url().default('https://huggingface.co'),
  HF_TOKEN: z.string().default(''),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Settings that are valid alone but not together: one line per conflict. */
export function configConflicts(c: z.infer<typeof configSchema>): string[] {
  const conflicts: string[] = [];
  if (c.API_PROCESSES > 1 && c.START_MODE === 'one-process') {
    conflicts.push(`API_PROCESSES: ${c.API_PROCESSES} serving processes cannot share one process with the workers (START_MODE=one-process); use START_MODE=two-processes`);
  }
  if (c.RECOMMEND_DEFAULT_K > c.RECOMMEND_MAX_K) {
    conflicts.push(`RECOMMEND_DEFAULT_K: ${c.RECOMMEND_DEFAULT_K} is above RECOMMEND_MAX_K (${c.RECOMMEND_MAX_K}): a request without k would get more items than one may ask for`);
  }
  if (c.EMBED_MAX_QUEUE < c.EMBED_MAX_INPUTS) {
    conflicts.push(`EMBED_MAX_QUEUE: ${c.EMBED_MAX_QUEUE} is below EMBED_MAX_INPUTS (${c.EMBED_MAX_INPUTS}): a request with that many inputs could never be queued, even on an idle server`);
  }
  return conflicts;
}
