import type { Logger } from '../../../shared/logging/logger.ts';
import type { JobHandler, ModelSignals } from '../../../shared/queues/index.ts';
import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import type { ItemEmbedder } from '../embedding/item-embedder.ts';

/**
 * `embed-items` (enqueued by every catalog upsert): embeds the items whose stored vector is
 * missing or stale, stores the vectors, and tells every serving process to take the items in
 * (they read the stored vectors rather than embedding again). Idempotent: a second run finds
 * the vectors stored and only announces. Items deleted meanwhile are skipped.
 */
export function embedItemsJob(deps: {
  repository: CatalogRepository;
  /** Loads the encoder on first use, so a worker that never embeds never loads one. */
  embedder: () => Promise<ItemEmbedder>;
  signals: ModelSignals;
  log: Logger;
}): JobHandler<'embed-items'> {
  return async (payload, ctx) => {
    const ids = [...new Set(payload.itemIds)];
    await ctx.progress('reading items', 5);
    const items = await deps.repository.getItems(ids);
    if (items.length === 0) return { status: 'skipped', reason: 'none of the items exist any more', items: 0 };
    await ctx.progress('embedding', 20);
    const { embedded } = await (await deps.embedder()).vectors(items);
    await ctx.progress('announcing', 90);
    await deps.signals.publish({ kind: 'catalog-items', action: 'changed', upserted: items.map((i) => i.id), removed: [] });
    await ctx.progress('done', 100);
    return { status: 'done', items: items.length, embedded };
  };
}
