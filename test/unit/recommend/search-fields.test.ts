import { describe, expect, it } from 'vitest';
import { itemText } from '../../../services/embed/entity-embedding.ts';
import { Bm25Index } from '../../../shared/search/bm25-index.ts';
import { SEARCH_FIELD_WEIGHTS, searchFields } from '../../../services/recommend/serving/search-fields.ts';

describe('searchFields', () => {
  it('weighs the title most and takes attribute values without their names', () => {
    const fields = searchFields({
      title: 'Trail shoe',
      description: null,
      category: 'Shoes',
      attributes: { color: 'red', size: 42, waterproof: true, note: null },
    });
    expect(fields).toEqual([
      { text: 'Trail shoe', weight: SEARCH_FIELD_WEIGHTS.title },
      { text: 'Shoes', weight: SEARCH_FIELD_WEIGHTS.category },
      { text: 'red 42', weight: SEARCH_FIELD_WEIGHTS.attributes },
    ]);
    expect(SEARCH_FIELD_WEIGHTS.title).toBeGreaterThan(SEARCH_FIELD_WEIGHTS.description);
  });

  it('ranks a title match above a genre named in three fields (MovieLens "star wars")', () => {
    const idx = new Bm25Index();
    const movies = [
      { id: '50', title: 'Star Wars (1977)', category: 'Action', description: 'Action, Adventure, Romance, Sci-Fi, War', attributes: { genres: 'Action|Adventure|Romance|Sci-Fi|War' } },
      { id: '1529', title: 'Underground (1995)', category: 'War', description: 'War', attributes: { genres: 'War' } },
      { id: '1265', title: 'Star Maps (1997)', category: 'Drama', description: 'Drama', attributes: { genres: 'Drama' } },
      { id: '1', title: 'Toy Story (1995)', category: 'Animation', description: "Animation, Children's, Comedy", attributes: { genres: "Animation|Children's|Comedy" } },
      { id: '2', title: 'GoldenEye (1995)', category: 'Action', description: 'Action, Adventure, Thriller', attributes: { genres: 'Action|Adventure|Thriller' } },
      { id: '1204', title: 'To Be or Not to Be (1942)', category: 'Comedy', description: 'Comedy, Drama, War', attributes: { genres: 'Comedy|Drama|War' } },
      { id: '1084', title: 'Anne Frank Remembered (1995)', category: 'Documentary', description: 'Documentary', attributes: { genres: 'Documentary' } },
    ];
    for (const m of movies) idx.upsert(m.id, searchFields(m));
    expect(idx.search('star wars', 3).map((h) => h.id)).toEqual(['50', '1265', '1529']);
    // one text with every field counted once, as before, ranked the genre first
    const flat = new Bm25Index();
    for (const m of movies) flat.upsert(m.id, itemText(m));
    expect(flat.search('star wars', 3).map((h) => h.id)).toEqual(['50', '1529', '1265']);
    // the attribute's name matches nothing
    expect(idx.search('genres', 3)).toEqual([]);
  });
});
