import { describe, expect, it } from 'vitest';
import { AnswerAssembler } from './answer-assembler.js';
import { numbersIn, PassageEvidence, supportOf, verifyClaim } from './citation-verifier.js';

const passages = [
  {
    n: 1,
    title: 'The Apollo program',
    text: 'Apollo 11 was the spaceflight that first landed humans on the Moon. Commander Neil Armstrong and pilot Buzz Aldrin landed the lunar module Eagle on July 20, 1969.',
  },
  {
    n: 2,
    title: 'The Great Wall of China',
    text: 'The Great Wall of China is a series of fortifications. The wall stretches for about 21,196 kilometres in total.',
  },
  {
    n: 3,
    title: '长城',
    text: '长城是中国古代的军事防御工程，总长度约为21196千米。',
  },
];
const evidence = new Map(passages.map((p) => [p.n, new PassageEvidence(p)]));

describe('supportOf', () => {
  it.each([
    ['Armstrong and Aldrin landed Eagle on July 20, 1969', 1, true],
    ['The crew landed on the Moon in 1969', 1, true],
    ['The wall is about 21,196 kilometres long', 2, true],
    ['The wall is about 8,850 kilometres long', 2, false],
    ['Armstrong landed on the Moon in 1972', 1, false],
    ['The wall is about 21,196 kilometres long', 1, false],
    ['Yuri Gagarin flew Vostok 1', 1, false],
    ['长城总长度约为21196千米', 3, true],
    ['长城总长度约为8850千米', 3, false],
  ])('%s ← [%i]: %s', (claim, n, supported) => {
    expect(supportOf(claim, evidence.get(n) as PassageEvidence).supported).toBe(supported);
  });
});

describe('verifyClaim', () => {
  it('keeps a supported citation', () => {
    expect(verifyClaim(['The wall stretches about 21,196 kilometres'], [2], evidence)).toMatchObject({
      numbers: [2],
      supported: true,
      action: 'kept',
    });
  });

  it('moves a citation to the passage that supports the claim', () => {
    expect(verifyClaim(['The wall stretches about 21,196 kilometres'], [1], evidence)).toMatchObject({
      numbers: [2],
      supported: true,
      action: 'moved',
    });
  });

  it('keeps a group whose sources support the claim together, each holding part of it', () => {
    const split = new Map(
      [
        { n: 1, title: 'Eiffel Tower', text: 'The Eiffel Tower was completed in 1889 for the World Fair.' },
        { n: 2, title: 'Tall buildings', text: 'The Eiffel Tower is 330 metres tall.' },
        { n: 3, title: 'Paris', text: 'Paris is the capital of France.' },
      ].map((p) => [p.n, new PassageEvidence(p)]),
    );
    const claim = 'The Eiffel Tower was completed in 1889 and is 330 metres tall';
    expect(verifyClaim([claim], [1, 2], split)).toMatchObject({
      numbers: [1, 2],
      supported: true,
      action: 'kept',
    });
    // An unrelated member of the group goes; the two that hold the claim stay.
    expect(verifyClaim([claim], [1, 2, 3], split)).toMatchObject({
      numbers: [1, 2],
      supported: true,
      action: 'removed',
    });
    // Together they still do not hold a number neither has.
    expect(
      verifyClaim(['The Eiffel Tower was completed in 1887 and is 330 metres tall'], [1, 2], split),
    ).toMatchObject({ supported: false });
  });

  it('drops the unsupported member of a group', () => {
    expect(verifyClaim(['Armstrong and Aldrin landed on July 20, 1969'], [1, 2], evidence)).toMatchObject({
      numbers: [1],
      action: 'removed',
    });
  });

  it('removes a citation of an unrelated passage when nothing supports the claim', () => {
    expect(verifyClaim(['Honey bees dance to show where flowers are'], [2], evidence)).toMatchObject({
      numbers: [],
      supported: false,
      action: 'removed',
    });
  });

  it('keeps but flags a doubtful citation', () => {
    const verdict = verifyClaim(['Apollo 11 landed humans on Mars with a rover'], [1], evidence);
    expect(verdict.numbers).toEqual([1]);
    expect(verdict.supported).toBe(false);
    expect(verdict.action).toBe('unverified');
  });

  it('accepts a claim with nothing to check', () => {
    expect(verifyClaim(['Yes.'], [1], evidence)).toMatchObject({ numbers: [1], supported: true });
  });
});

describe('numbersIn', () => {
  it.each([
    ['21,196 km and 3.5 m in 1969', ['21196', '3.5', '1969']],
    ['约为21196千米', ['21196']],
    ['1, 2 and 3', ['1', '2', '3']],
  ])('%s', (text, numbers) => {
    expect(numbersIn(text)).toEqual(numbers);
  });
});

describe('AnswerAssembler', () => {
  const feed = (text: string, size = 3) => {
    const assembler = new AnswerAssembler(passages);
    let out = '';
    for (let i = 0; i < text.length; i += size) out += assembler.push(text.slice(i, i + size));
    out += assembler.end();
    return { out, assembler };
  };

  it('writes verified markers as the stream goes', () => {
    const { out, assembler } = feed(
      'Armstrong and Aldrin landed on July 20, 1969 [1]. The wall is 21,196 kilometres long [1].',
    );
    expect(out).toBe(
      'Armstrong and Aldrin landed on July 20, 1969 [1]. The wall is 21,196 kilometres long [2].',
    );
    expect(assembler.counts).toMatchObject({ kept: 1, moved: 1 });
    expect(assembler.uses.map((u) => [u.n, u.supported])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('checks a marker written after the full stop against the sentence before it', () => {
    const { out } = feed('The wall is 21,196 kilometres long. [2] It is old.');
    expect(out).toBe('The wall is 21,196 kilometres long. [2] It is old.');
  });

  it('does not repeat a number when two markers end up on the same passage', () => {
    const { out } = feed('The wall is 21,196 kilometres long [1][2].');
    expect(out).toBe('The wall is 21,196 kilometres long [2].');
  });

  it('drops markers that point nowhere', () => {
    const { out } = feed('The wall is 21,196 kilometres long [9].');
    expect(out).toBe('The wall is 21,196 kilometres long.');
  });

  describe('with citeUncited', () => {
    const feedCiting = (text: string, size = 3) => {
      const assembler = new AnswerAssembler(passages, { citeUncited: true });
      let out = '';
      for (let i = 0; i < text.length; i += size) out += assembler.push(text.slice(i, i + size));
      out += assembler.end();
      return { out, assembler };
    };

    it.each([
      [
        'cites a sentence the model left bare, before its full stop',
        'The wall stretches for about 21,196 kilometres in total. Apollo 11 landed on July 20, 1969 [1].',
        'The wall stretches for about 21,196 kilometres in total [2]. Apollo 11 landed on July 20, 1969 [1].',
      ],
      [
        'cites the last sentence too',
        'Apollo 11 landed on July 20, 1969 [1]. The wall stretches for about 21,196 kilometres in total.',
        'Apollo 11 landed on July 20, 1969 [1]. The wall stretches for about 21,196 kilometres in total [2].',
      ],
      [
        'leaves a sentence no passage supports',
        'Honey bees dance to show flowers.',
        'Honey bees dance to show flowers.',
      ],
      ['leaves short sentences', 'Yes, it is. See above.', 'Yes, it is. See above.'],
      [
        'leaves code alone',
        '```\nThe wall stretches for about 21,196 kilometres in total.\n```\n',
        '```\nThe wall stretches for about 21,196 kilometres in total.\n```\n',
      ],
      ['cites Chinese without a space', '长城总长度约为21196千米。', '长城总长度约为21196千米[3]。'],
      [
        'does not cite twice when the marker follows the full stop',
        'The wall stretches for about 21,196 kilometres in total. [2] It is old.',
        'The wall stretches for about 21,196 kilometres in total. [2] It is old.',
      ],
    ])('%s', (_name, text, expected) => {
      for (const size of [1, 4, 1000]) expect(feedCiting(text, size).out).toBe(expected);
    });

    it('counts and records what it added', () => {
      const { assembler } = feedCiting('The wall stretches for about 21,196 kilometres in total.');
      expect(assembler.counts.added).toBe(1);
      expect(assembler.uses).toEqual([
        { n: 2, supported: true, claim: 'The wall stretches for about 21,196 kilometres in total.' },
      ]);
    });
  });
});
