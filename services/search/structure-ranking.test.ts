import { describe, expect, it } from 'vitest';
import type { PassageRecord, SearchHit } from '../types.js';
import {
  hyphenatedRuns,
  pageName,
  rerankByStructure,
  structureBoost,
  wantsStructureRanking,
} from './structure-ranking.js';

function hit(id: string, score: number, fields: Partial<PassageRecord>): SearchHit {
  const passage: PassageRecord = {
    id,
    pageId: fields.pageId ?? id,
    url: `https://docs.example/${id}`,
    host: 'docs.example',
    title: fields.title ?? 'Page',
    headings: fields.headings ?? [],
    text: fields.text ?? 'text',
    position: 0,
    wordCount: 10,
  };
  return { passage, score, snippet: '' };
}

describe('structure ranking', () => {
  it('lifts the passage whose term is the identifier asked about above passages that mention it', () => {
    const hits = [
      hit('mention', 10, { text: 'Like core.autocrlf, this converts line endings.', headings: ['core.eol'] }),
      hit('other', 9, { text: 'Unrelated text about line endings.' }),
      hit('definition', 7, {
        headings: ['Variables', 'core.autocrlf'],
        text: 'Setting this to true converts CRLF.',
      }),
    ];
    const ranked = rerankByStructure(hits, { text: 'what does core.autocrlf do', limit: 2 });
    expect(ranked.map((h) => h.passage.id)).toEqual(['definition', 'mention']);
  });

  it('favours release notes for a version question', () => {
    const hits = [
      hit('feature', 10, { title: 'The RETURNING clause', text: 'RETURNING returns rows.' }),
      hit('release', 8, { title: 'Release 3.35.0', text: 'Added the RETURNING clause.' }),
    ];
    const ranked = rerankByStructure(hits, { text: 'which version added the RETURNING clause?', limit: 2 });
    expect(ranked[0]?.passage.id).toBe('release');
  });

  it('lifts the page of the command the question names in words (git status → git-status(1))', () => {
    const hits = [
      hit('other', 10, { title: 'git-commit(1)', headings: ['OPTIONS', '--short'], text: 'Short output.' }),
      hit('subject', 9, { title: 'git-status(1)', headings: ['OPTIONS', '--short'], text: 'Short format.' }),
    ];
    const ranked = rerankByStructure(hits, { text: 'what does git status --short print?', limit: 2 });
    expect(ranked.map((h) => h.passage.id)).toEqual(['subject', 'other']);
  });

  it.each([
    ['git-status(1)', 'git-status'],
    ['git-maintenance(1) Manual Page', 'git-maintenance'],
    ['systemd-analyze', 'systemd-analyze'],
    ['The WITH Clause', undefined],
    ['SQLite', undefined],
    ['git status', undefined],
  ])('pageName(%j) = %j', (title, expected) => {
    expect(pageName(title)).toBe(expected);
  });

  it.each([
    [
      'What does git status --short print?',
      ['what-does', 'what-does-git', 'does-git', 'does-git-status', 'git-status'],
    ],
    ['in git status, what is X', ['in-git', 'in-git-status', 'git-status', 'what-is', 'is-x', 'what-is-x']],
    ['core.autocrlf', []],
  ])(
    'hyphenatedRuns(%j): runs of two and three plain words, not across identifiers or commas',
    (query, expected) => {
      expect([...hyphenatedRuns(query)].sort()).toEqual([...expected].sort());
    },
  );

  it('keeps the per-page cap and leaves ordinary questions alone', () => {
    const hits = [
      hit('a1', 5, { pageId: 'a', headings: ['--depth'] }),
      hit('a2', 4, { pageId: 'a', headings: ['--depth'] }),
      hit('b1', 3, { pageId: 'b' }),
    ];
    expect(
      rerankByStructure(hits, { text: 'what is --depth', limit: 3, maxPerPage: 1 }).map((h) => h.passage.id),
    ).toEqual(['a1', 'b1']);
    expect(wantsStructureRanking('when did Apollo 11 land on the Moon?')).toBe(false);
    expect(structureBoost(hits[2]?.passage as PassageRecord, [], false)).toBe(0);
  });
});
