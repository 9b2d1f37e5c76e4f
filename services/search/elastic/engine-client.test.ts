import { describe, expect, it } from 'vitest';
import { docRefsBody, docWriteLines, docWriteResults, versionedDocs } from './engine-client.js';

describe('writeDocs and getDocs bodies', () => {
  it('writes creates, conditional updates, upserts and deletes as bulk lines', () => {
    expect(
      docWriteLines('idx', [
        { op: 'create', id: 'a', routing: 'j', doc: { x: 1 } },
        { op: 'update', id: 'b', doc: { y: 2 }, ifVersion: { seqNo: 4, primaryTerm: 1 } },
        { op: 'update', id: 'c', index: 'other', doc: { z: 3 }, upsert: true },
        { op: 'delete', id: 'd' },
      ]),
    ).toEqual([
      { create: { _index: 'idx', _id: 'a', routing: 'j' } },
      { x: 1 },
      { update: { _index: 'idx', _id: 'b', if_seq_no: 4, if_primary_term: 1 } },
      { doc: { y: 2 } },
      { update: { _index: 'other', _id: 'c' } },
      { doc: { z: 3 }, doc_as_upsert: true },
      { delete: { _index: 'idx', _id: 'd' } },
    ]);
  });

  it('reads one result per write, conflicts and missing answers included', () => {
    const writes = [
      { op: 'create' as const, id: 'a', doc: {} },
      { op: 'update' as const, id: 'b', doc: {} },
      { op: 'delete' as const, id: 'c' },
    ];
    const results = docWriteResults(writes, {
      items: [
        { create: { _id: 'a', status: 201, result: 'created', _seq_no: 3, _primary_term: 1 } },
        {
          update: {
            _id: 'b',
            status: 409,
            error: { type: 'version_conflict_engine_exception', reason: '[b]: version conflict' },
          },
        },
      ],
    });
    expect(results).toEqual([
      { id: 'a', status: 201, result: 'created', version: { seqNo: 3, primaryTerm: 1 }, error: undefined },
      {
        id: 'b',
        status: 409,
        result: undefined,
        version: undefined,
        error: 'version_conflict_engine_exception: [b]: version conflict',
      },
      { id: 'c', status: 500, error: 'the engine gave no result for this write' },
    ]);
  });

  it('reads documents with their versions, in the order asked', () => {
    const refs = [{ id: 'a', routing: 'j' }, { id: 'b' }];
    expect(docRefsBody('idx', refs)).toEqual([
      { _index: 'idx', _id: 'a', routing: 'j' },
      { _index: 'idx', _id: 'b' },
    ]);
    expect(
      versionedDocs(refs, {
        docs: [
          { _id: 'a', found: true, _source: { x: 1 }, _seq_no: 5, _primary_term: 2 },
          { _id: 'b', found: false },
        ],
      }),
    ).toEqual([
      { id: 'a', found: true, source: { x: 1 }, version: { seqNo: 5, primaryTerm: 2 } },
      { id: 'b', found: false },
    ]);
  });
});
