import { describe, expect, it } from 'vitest';
import { recommenderFromBuffers, recommenderToBuffers } from '../../../services/recommend/models/recommender-artifact.ts';
import { trainRecommender } from '../../../services/recommend/models/train-recommender.ts';
import { historyOf } from '../../../services/recommend/models/user-history.ts';
import { CATALOGUE, twoGroups } from './fixtures.ts';

describe('recommender artefact', () => {
  const vectors = new Float32Array(CATALOGUE.length * 2).map((_, k) => (k % 2 === 0 ? (k >> 1) % 3 : 1));
  const model = trainRecommender(twoGroups(), { itemIds: CATALOGUE, vectors, dimension: 2 }, { tune: false, params: { ials: { factors: 4 } } });

  it('round-trips through manifest + binary files with identical recommendations', () => {
    const { manifest, files } = recommenderToBuffers(model);
    expect(manifest.sources.map((s) => s.name)).toEqual(['ease', 'ials', 'cooccurrence', 'popularity', 'content']);
    // what a registry would do: JSON text and bytes at arbitrary offsets
    const copied = Object.fromEntries(
      Object.entries(files).map(([name, bytes]) => {
        const shifted = new Uint8Array(bytes.byteLength + 1);
        shifted.set(bytes, 1);
        return [name, shifted.subarray(1)];
      }),
    );
    const loaded = recommenderFromBuffers(JSON.parse(JSON.stringify(manifest)), copied);
    expect(loaded.itemIds).toEqual(model.itemIds);
    expect(loaded.weightsByName()).toEqual(model.weightsByName());
    const history = historyOf(['a1', 'a2', 'pop'].map((id) => model.itemIndex(id)!));
    expect(loaded.recommend(history, 8)).toEqual(model.recommend(history, 8));
    expect(loaded.similar(model.itemIndex('b3')!, 5)).toEqual(model.similar(model.itemIndex('b3')!, 5));
  });

  it('rejects a missing or truncated file with a code', () => {
    const { manifest, files } = recommenderToBuffers(model);
    const name = manifest.sources[0]!.arrays[0]!.file;
    expect(() => recommenderFromBuffers(manifest, { ...files, [name]: files[name]!.subarray(4) })).toThrow(
      expect.objectContaining({ code: 'RECOMMENDER_ARTIFACT_INVALID' }),
    );
    const { [name]: _gone, ...rest } = files;
    expect(() => recommenderFromBuffers(manifest, rest)).toThrow(expect.objectContaining({ code: 'RECOMMENDER_ARTIFACT_INVALID' }));
  });
});
