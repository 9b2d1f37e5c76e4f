import { describe, expect, it } from 'vitest';
import { echoesQuestion, onlyRestatesSources, RepetitionGuard } from './repetition-guard.js';

function guard(text: string, size: number): { out: string; stopped: boolean } {
  const g = new RepetitionGuard();
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length && !g.stopped; i += size) out += g.push(chars.slice(i, i + size).join(''));
  if (!g.stopped) out += g.end();
  return { out, stopped: g.stopped };
}

describe('RepetitionGuard', () => {
  it.each([
    ['an answer without loops passes whole', 'It opened in 1889 [1]. It is 330 m tall [2].', false, null],
    [
      'a sentence written twice stops the reply before the repeat',
      'It opened in 1889 [1]. It is tall [2]. It opened in 1889 [1]. It opened in 1889 [1].',
      true,
      'It opened in 1889 [1]. It is tall [2]. ',
    ],
    [
      'the repeat is caught with other markers too',
      'The wall is long [1].\nThe wall is long [2].\nThe wall',
      true,
      'The wall is long [1].\n',
    ],
    [
      'a sentence that starts like an earlier one but differs goes on',
      'The tower opened in 1889 [1]. The tower is 330 m tall [2].',
      false,
      null,
    ],
    ['short sentences may repeat', 'Yes. No. Yes. No.', false, null],
    [
      'a phrase loop stops',
      'The steps are: and then the next and then the next and then the next and then the next and then the next and then the next and then the next',
      true,
      null,
    ],
    [
      'a list of distinct items passes',
      '- one item [1]\n- another item [2]\n- a third item [3]',
      false,
      null,
    ],
  ])('%s', (_name, text, stopped, expected) => {
    for (const size of [1, 3, 8, 10_000]) {
      const r = guard(text, size);
      expect(r.stopped, `chunks of ${size}`).toBe(stopped);
      if (expected !== null) expect(r.out, `chunks of ${size}`).toBe(expected);
      else if (!stopped) expect(r.out, `chunks of ${size}`).toBe(text);
    }
  });
});

describe('echoesQuestion', () => {
  it.each([
    [
      'At what age do immune responses typically begin to decline? [1]',
      'At what age do immune responses typically begin to decline?',
      true,
    ],
    [
      'In what year did Doctor Who state that he was the last Time Lord?',
      'In what year did Doctor Who state that he was the last Time Lord?',
      true,
    ],
    [
      'Immune responses typically begin to decline at around 50 years of age [1].',
      'At what age do immune responses typically begin to decline?',
      false,
    ],
    ['It opened in 1889 [1].', 'When did it open?', false],
    ['', 'When?', false],
    ['长城有多长？', '长城有多长？', true],
    ['长城总长度约为21196千米[1]。', '长城有多长？', false],
  ])('%j', (answer, question, expected) => {
    expect(echoesQuestion(answer, question)).toBe(expected);
  });
});

describe('onlyRestatesSources', () => {
  const sources = [
    { title: 'git-maintenance', headings: ['git-maintenance(1) Manual Page', 'OPTIONS', '--auto'] },
    { title: 'git-status', headings: ['git-status(1) Manual Page', 'OPTIONS', '-s, --short'] },
    { title: 'Untitled' },
  ];
  // Answers of Qwen2.5-Coder 0.5B to questions about Git's manual (eval:answers --site).
  it.each([
    ['git-maintenance(1) Manual Page › OPTIONS › --auto [1]', true],
    ['[1][2][3][4]', true],
    ['. [2]. [3]. [4]. [5].', true],
    ['git-maintenance(1) Manual Page › OPTIONS › --auto [1]\ngit-status(1) Manual Page › OPTIONS [2]', true],
    ['<source n="1" title="git-status" section="git-status(1) Manual Page › OPTIONS › -s, --short">', true],
    ['git-status(1) Manual Page [2]', true],
    ['--auto [1]', false],
    ['Untitled [3]', true],
    ['', true],
    ['git-status(1) Manual Page › OPTIONS › -s, --short: Give the output in the short-format [1].', false],
    ['The default is 6700 loose objects [1].', false],
    ['OPTIONS: 6700 [1]', false],
    ['Use `git maintenance run --auto` [1].', false],
  ])('%j → %s', (answer, expected) => {
    expect(onlyRestatesSources(answer, sources)).toBe(expected);
  });
});
