import { z } from 'zod';

/** The model kinds `GET /v1/admin/models` reports. */
export const MODEL_KINDS = ['recommend', 'intents', 'sentiment'] as const;

export const kindParam = z.enum(MODEL_KINDS, { error: `not a model kind: ${MODEL_KINDS.join(', ')}` });
export const kindParams = z.object({ kind: kindParam });
export const promoteBody = z.object({ version: z.string().min(1).max(64) }).strict();

const modelSummary = z.strictObject({ version: z.string(), metrics: z.record(z.string(), z.number()), created: z.string() }).nullable();

export const modelsResponse = z.strictObject({
  /** The version in service of each kind (null: none yet). */
  models: z.strictObject(Object.fromEntries(MODEL_KINDS.map((k) => [k, modelSummary])) as Record<(typeof MODEL_KINDS)[number], typeof modelSummary>),
  /**
   * The version this process has loaded, per kind (null: none). It follows the one in service
   * within moments of a change, and differs from it while the one in service cannot be loaded
   * (a damaged file: an earlier good version is served instead).
   */
  served: z.strictObject(Object.fromEntries(MODEL_KINDS.map((k) => [k, z.string().nullable()])) as Record<(typeof MODEL_KINDS)[number], z.ZodNullable<z.ZodString>>),
});

/** A version's manifest.json (see VersionManifest); trainers add fields of their own. */
export const versionManifest = z
  .looseObject({
    kind: z.string(),
    version: z.string(),
    created: z.string(),
    status: z.enum(['candidate', 'promoted', 'rejected', 'retired']),
    /** The version that was current when this one was trained. */
    parent: z.string().nullable(),
    /** The version it replaced in service when last promoted (rollbacks follow the registry's service history). */
    replaced: z.string().nullable().optional(),
    /** Fingerprint of the data it was trained on. */
    data: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.number()),
    /** Why it was rejected or retired. */
    note: z.string().optional(),
    /** sha256 of every file of the version. */
    files: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'ModelVersion' });

export const kindResponse = z.strictObject({
  kind: z.string(),
  /** The version in service according to the registry. */
  current: z.string().nullable(),
  /** The version this process has loaded (it follows `current` within moments of a change). */
  served: z.string().nullable(),
  /** Every version, oldest first. */
  versions: z.array(versionManifest),
});

export const currentResponse = z.strictObject({ kind: z.string(), current: z.string() });
