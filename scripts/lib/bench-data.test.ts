import { describe, expect, it } from 'vitest';
import { type RetrievalCollection, subsetCollection } from './bench-data.js';

const docs = Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, title: `t${i}`, text: `text ${i}` }));
const collection: RetrievalCollection = {
  name: 'toy',
  format: 'beir',
  docs,
  queries: [
    { id: 'q1', text: 'one' },
    { id: 'q2', text: 'two' },
    { id: 'q3', text: 'three' },
    { id: 'unjudged', text: 'never judged' },
  ],
  qrels: new Map([
    ['q1', new Map([['d3', 1]])],
    [
      'q2',
      new Map([
        ['d5', 2],
        ['d6', 0],
      ]),
    ],
    ['q3', new Map([['d19', 1]])],
  ]),
};

const ids = (c: RetrievalCollection) => c.docs.map((d) => d.id);

describe('subsetCollection', () => {
  it.each([
    // options, queries kept, docs kept (count), judged docs that must be kept
    [{ seed: 19 }, ['q1', 'q2', 'q3'], 20, ['d3', 'd5', 'd6', 'd19']],
    [{ docs: 8, seed: 19 }, ['q1', 'q2', 'q3'], 8, ['d3', 'd5', 'd6', 'd19']],
    // fewer docs asked than are judged: the judged ones stay, no distractor
    [{ docs: 2, seed: 19 }, ['q1', 'q2', 'q3'], 4, ['d3', 'd5', 'd6', 'd19']],
    [{ docs: 100, seed: 19 }, ['q1', 'q2', 'q3'], 20, ['d3', 'd5', 'd6', 'd19']],
  ])('%j keeps every judged document', (options, queries, count, judged) => {
    const subset = subsetCollection(collection, options);
    expect(subset.queries.map((q) => q.id)).toEqual(queries);
    expect(subset.docs).toHaveLength(count);
    expect(ids(subset)).toEqual(expect.arrayContaining(judged));
  });

  it('samples queries and keeps only their judgments and judged documents', () => {
    const subset = subsetCollection(collection, { queries: 1, docs: 1, seed: 7 });
    expect(subset.queries).toHaveLength(1);
    const [kept] = subset.queries;
    expect([...subset.qrels.keys()]).toEqual([kept?.id]);
    expect(ids(subset).sort()).toEqual([...(collection.qrels.get(kept?.id ?? '')?.keys() ?? [])].sort());
  });

  it('is the same for the same seed, in the collection order, and differs with another seed', () => {
    const a = ids(subsetCollection(collection, { docs: 10, seed: 19 }));
    expect(ids(subsetCollection(collection, { docs: 10, seed: 19 }))).toEqual(a);
    expect([...a].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)))).toEqual(a);
    expect(ids(subsetCollection(collection, { docs: 10, seed: 20 }))).not.toEqual(a);
  });
});
