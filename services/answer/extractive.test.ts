import { describe, expect, it } from 'vitest';
import {
  answerTypeOf,
  answerWordCount,
  definitionSubject,
  extractiveAnswer,
  looksLikeProse,
  optionOfOtherCommand,
  plainVerbs,
  quotedExpressions,
  rankSentences,
} from './extractive.js';

const passages = [
  {
    n: 1,
    text: 'Apollo 11 was the first crewed Moon landing. Neil Armstrong and Buzz Aldrin landed the Eagle on July 20, 1969. They returned safely.',
  },
  {
    n: 2,
    text: 'The Great Wall of China stretches for about 21,196 kilometres. It was built over many centuries.',
  },
];

describe('extractiveAnswer', () => {
  it('quotes the sentence that answers, with its [n]', () => {
    const a = extractiveAnswer({ query: 'How long is the Great Wall of China?', passages });
    expect(a.text).toContain('21,196 kilometres');
    expect(a.text).toMatch(/\[2\]/);
    expect(a.cited).toEqual([2]);
  });

  it('prefers sentences holding the kind of answer asked for', () => {
    const a = extractiveAnswer({ query: 'When did Apollo 11 land on the Moon?', passages });
    expect(a.text).toContain('July 20, 1969');
    expect(a.text).toMatch(/\[1\]/);
  });

  it('withholds an answer when nothing covers the question', () => {
    const a = extractiveAnswer({ query: 'What is the boiling point of tungsten?', passages });
    expect(a.text).toBe('');
    expect(a.cited).toEqual([]);
  });

  it('leads with the sentence that shows the expression the question quotes, as written', () => {
    const a = extractiveAnswer({
      query: 'what does hex(12345678) return?',
      passages: [
        {
          n: 1,
          kind: 'term',
          headings: ['Functions', 'hex(X)'],
          text: 'The hex() function interprets its argument as a BLOB and returns a string which is the upper-case hexadecimal rendering of the content of that blob. If the argument X in "hex(X)" is an integer or floating point number, then "interprets its argument as a BLOB" means that the binary number is first converted into a UTF8 text representation, then that text is interpreted as a BLOB. Hence, "hex(12345678)" renders as "3132333435363738" not the binary representation of the integer value "0000000000BC614E".',
        },
      ],
    });
    expect(a.text).toContain('3132333435363738');
  });

  it('quotes an example line that shows the expression asked about, though it is not prose', () => {
    const a = extractiveAnswer({
      query: "what does json_array(1,2,'3',4) return?",
      passages: [
        {
          n: 1,
          text: "The json_array() SQL function accepts zero or more arguments and returns a well-formed JSON array that is composed from those arguments.\n\nExamples:\n\n• json_array(1,2,'3',4) → '[1,2,\"3\",4]'\n• json_array('[1,2]') → '[\"[1,2]\"]'",
        },
      ],
    });
    expect(a.text).toContain('\'[1,2,"3",4]\'');
    expect(a.text).not.toContain('["[1,2]"]');
  });

  it.each([
    ['what does hex(12345678) return?', ['hex(12345678)']],
    ["what does json_array(1, 2, '3', 4) return?", ["json_array(1,2,'3',4)"]],
    ['what does hex(X) do?', []],
    ['how does the count() function (the aggregate) work?', []],
  ])('quotedExpressions(%j)', (query, expected) => {
    expect(quotedExpressions(query)).toEqual(expected);
  });

  it('stays within the word budget', () => {
    const long = {
      n: 1,
      text: Array.from({ length: 20 }, (_, i) => `Sentence ${i} talks about kites and wind and string.`).join(
        ' ',
      ),
    };
    const a = extractiveAnswer({ query: 'kites wind string', passages: [long], maxWords: 60 });
    expect(
      a.text
        .replace(/\[\d+\]/g, '')
        .split(/\s+/)
        .filter(Boolean).length,
    ).toBeLessThanOrEqual(60);
  });

  it.each([
    ['Run curl localhost:8080/v1/answer?q=how+do+I+crawl', false],
    ['CITEBOX_ALLOW_PRIVATE_NETWORKS=true npx citebox crawl http://localhost:3000/', false],
    ['const x = { a: 1 };', false],
    ['To crawl a site, run npx citebox crawl <url> with the address of its home page.', true],
    ['The wall stretches for about 21,196 kilometres (13,171 mi).', true],
    ['长城是中国古代的军事防御工程。', true],
    ['Set CITEBOX_ALLOW_PRIVATE_NETWORKS=true to crawl a site on your own machine.', true],
    ['He was ill for nine months; he nearly died.', true],
    ['if (x == 1) return y;', false],
    // Figures are words: a sentence that states values is prose.
    [
      'Hence, "hex(12345678)" renders as "3132333435363738" not the binary representation "0000000000BC614E".',
      true,
    ],
    ['1889年3月31日，埃菲尔铁塔正式落成，高度为300米。', true],
    // Columns of figures with a word or two left over are not.
    ['1 2 3 4 5 6 7 8 9 10 11 12 total', false],
    // Inline code is a word of its sentence, whatever it is made of.
    ['If none of these files exist, `~/.git-credentials` will be created and written to.', true],
    ['Use `git rm --cached <file>` and add a pattern to `.gitignore` that matches the <file>.', true],
    // Code outside backticks is still code.
    ['git rm --cached <file/pattern> && git commit -m "untrack"', false],
  ])('tells prose from code: %s', (sentence, prose) => {
    expect(looksLikeProse(sentence)).toBe(prose);
  });

  it.each([
    ['When was it built?', 'time'],
    ['In what year did it open?', 'time'],
    ['How many moons does Mars have?', 'number'],
    ['Who wrote Hamlet?', 'person'],
    ['Why is the sky blue?', 'other'],
    ['长城是什么时候建造的？', 'time'],
    ['What is Citebox?', 'definition'],
    ['Where was Tesla born?', 'place'],
    ['How do I crawl my site?', 'howto'],
    ['What is the capital of France?', 'other'],
  ])('classifies %s as %s', (q, type) => {
    expect(answerTypeOf(q)).toBe(type);
  });

  it.each([
    ['What is Citebox?', 'citebox'],
    ['What are passages?', 'passages'],
    ['What does SSE mean?', 'sse'],
    ['什么是长城？', '长城'],
    ['What is the capital of France?', undefined],
    ['What is the best way to crawl a site?', undefined],
  ])('finds what %s asks to define: %s', (q, subject) => {
    expect(definitionSubject(q)).toBe(subject);
  });

  it('answers "What is X?" with the sentence that defines X, first', () => {
    const a = extractiveAnswer({
      query: 'What is Citebox?',
      passages: [
        { n: 1, text: 'CITEBOX_DATA_DIR holds the index. Citebox reads robots.txt before it crawls a site.' },
        {
          n: 2,
          title: 'Citebox',
          text: 'Citebox is a self-hosted, answer-first search engine over the sites you choose. You run it on your own machine.',
        },
      ],
    });
    expect(a.text.startsWith('Citebox is a self-hosted, answer-first search engine')).toBe(true);
    expect(a.text).not.toContain('CITEBOX_DATA_DIR');
  });

  it('answers "How do I…?" with the instruction, completed by the command after its colon', () => {
    const a = extractiveAnswer({
      query: 'How do I run the tests?',
      passages: [
        {
          n: 1,
          text: 'The tests start real servers on port 0 and stop by themselves. CI runs the tests on every push.',
        },
        {
          n: 2,
          text: 'On first start the index is empty. Run the tests with:\n\nnpm test\n\nThey take a minute.',
        },
      ],
    });
    expect(a.text.startsWith('Run the tests with: `npm test` [2]')).toBe(true);
  });

  it('matches the words of a setting name', () => {
    const ranked = rankSentences({
      query: 'Which setting holds the data?',
      passages: [
        {
          n: 1,
          text: 'Pages are fetched politely by the crawler. CITEBOX_DATA_DIR (./data) holds everything kept.',
        },
      ],
    });
    expect(ranked[0]?.text).toContain('CITEBOX_DATA_DIR');
  });

  it('cuts a long sentence to the window around its matches, marked with an ellipsis', () => {
    const filler = Array.from(
      { length: 30 },
      (_, i) => ['lorem', 'ipsum', 'dolor', 'sit', 'amet'][i % 5],
    ).join(' ');
    const a = extractiveAnswer({
      query: 'What did the committee decide about the harbour?',
      passages: [
        {
          n: 1,
          text: `${filler} and then the committee decided to close the harbour for the winter, ${filler}.`,
        },
      ],
      maxWords: 30,
    });
    expect(a.text).toMatch(/^….*committee decided to close the harbour.*… \[1\]$/);
    expect(answerWordCount(a.text.replace(/\[\d+\]/g, ''))).toBeLessThanOrEqual(30);
  });

  it('fills the budget with a neighbour of the best sentence, in reading order', () => {
    const a = extractiveAnswer({
      query: 'Who founded the Ming dynasty?',
      passages: [
        {
          n: 1,
          text: 'The Ming dynasty ruled China from 1368 to 1644. It was founded by Zhu Yuanzhang, a former monk. Its capital moved to Beijing.',
        },
      ],
    });
    expect(a.text).toContain('Zhu Yuanzhang');
    expect(a.text.indexOf('ruled China')).toBeLessThan(a.text.indexOf('Zhu Yuanzhang'));
  });
});

describe('extractive answers over documentation structure', () => {
  it('leads with the term of a definition-list entry when its sentence does not name it', () => {
    const a = extractiveAnswer({
      query: 'which git diff option shows only the names of changed files?',
      passages: [
        { n: 1, kind: 'term', headings: ['OPTIONS', '--stat'], text: 'Generate a diffstat of the changes.' },
        {
          n: 2,
          kind: 'term',
          headings: ['OPTIONS', '--name-only'],
          text: 'Show only names of changed files.',
        },
      ],
    });
    expect(a.text.startsWith('`--name-only` — Show only names of changed files [2].')).toBe(true);
  });

  it('answers a default question with the sentence that states the default of the setting asked about', () => {
    const a = extractiveAnswer({
      query: 'what is the default of gc.reflogExpire?',
      passages: [
        {
          n: 1,
          kind: 'term',
          headings: ['Variables', 'gc.pruneExpire'],
          text: 'Removes unreachable objects older than this. Defaults to 2 weeks ago.',
        },
        {
          n: 2,
          kind: 'term',
          headings: ['Variables', 'gc.reflogExpire'],
          text: 'git reflog expire removes reflog entries older than this time. The port number to bind the httpd to. (Default: 90 days)',
        },
      ],
    });
    expect(a.text).toContain('90 days');
    expect(a.cited[0]).toBe(2);
  });

  it('keeps the sentence of the entry that states the default when another sentence matches the question better', () => {
    // The best-matching sentences say what the setting does; the one that answers "by default" is
    // short and shares one word with the question, and two longer ones would fill the answer first.
    const a = extractiveAnswer({
      query: 'how many loose objects trigger automatic git gc --auto packing by default?',
      passages: [
        {
          n: 1,
          kind: 'term',
          headings: ['git-gc(1) Manual Page', 'CONFIGURATION', 'gc.auto'],
          text:
            'When there are approximately more than this many loose objects in the repository, `git gc --auto` will pack them. ' +
            'Some Porcelain commands use this command to perform a light-weight garbage collection from time to time. ' +
            'The default value is 6700.\n\n' +
            'Setting this to 0 disables not only automatic packing based on the number of loose objects, but any other ' +
            'heuristic `git gc --auto` will otherwise use to determine if there’s work to do, such as `gc.autoPackLimit` .',
        },
      ],
    });
    expect(a.text).toContain('The default value is 6700');
  });
  it('quotes and cites a release note on its own release page, not its copy on a later release page', () => {
    const note =
      "• Change the algorithm used by SQLite's built-in pseudo-random number generator (PRNG) from RC4 to Chacha20.";
    const a = extractiveAnswer({
      query: 'what PRNG algorithm did SQLite 3.40.0 switch to from RC4?',
      passages: [
        {
          n: 1,
          title: 'SQLite Release 3.40.1 On 2022-12-28',
          headings: ['SQLite Release 3.40.1 On 2022-12-28'],
          text: `Changes in version 3.40.0 (2022-11-16):\n\n${note}`,
        },
        {
          n: 2,
          title: 'SQLite Release 3.40.0 On 2022-11-16',
          headings: ['SQLite Release 3.40.0 On 2022-11-16'],
          text: note,
        },
      ],
    });
    expect(a.cited[0]).toBe(2);
    expect(a.text).toContain('Chacha20 [2]');
  });

  it('takes "does not support … more than 64 tables" for a statement of a limit', () => {
    const a = extractiveAnswer({
      query: 'how many tables can one join in SQLite at most?',
      passages: [
        {
          n: 1,
          headings: ['Limits In SQLite', 'Maximum Number Of Tables In A Join'],
          text: 'SQLite does not support joins containing more than 64 tables. This limit arises from the fact that the SQLite code generator uses bitmaps with one bit per join-table in the query optimizer.',
        },
        {
          n: 2,
          headings: ['UPDATE', 'UPDATE FROM'],
          text: 'If the join between the target table and the FROM clause results in multiple output rows for the same target table row, then only one of those output rows is used for updating the target table.',
        },
      ],
    });
    expect(a.text.startsWith('SQLite does not support joins containing more than 64 tables [1].')).toBe(true);
  });

  it('takes "used if Y is omitted" for a statement of the default', () => {
    const a = extractiveAnswer({
      query: "what separator does group_concat use if I don't give one?",
      passages: [
        {
          n: 1,
          kind: 'term',
          headings: ['Aggregate functions', 'group_concat(X) group_concat(X,Y)'],
          text: 'The group_concat() function returns a string which is the concatenation of all non-NULL values of X. If parameter Y is present then it is used as the separator between instances of X. A comma (",") is used as the separator if Y is omitted.',
        },
      ],
    });
    expect(a.text).toContain('A comma (",") is used as the separator if Y is omitted [1]');
  });

  it('quotes a table row whole, with its column names', () => {
    const a = extractiveAnswer({
      query: 'what range of values does strftime %j produce?',
      passages: [
        {
          n: 1,
          kind: 'table',
          headings: ['strftime() substitutions'],
          text: 'Format: %d; Meaning: day of month: 00-31\n\nFormat: %j; Meaning: day of year: 001-366\n\nFormat: %m; Meaning: month: 01-12',
        },
      ],
    });
    expect(a.text).toContain('Format: %j; Meaning: day of year: 001-366 [1]');
  });

  it('shows the command of a how-to as code, after the sentence that introduces it', () => {
    const a = extractiveAnswer({
      query: 'how do I undo my last commit but keep the changes?',
      passages: [
        {
          n: 1,
          kind: 'term',
          headings: ['EXAMPLES', 'Undo a commit and redo'],
          text: 'Keep your changes but undo the last commit like this:\n\n```\n$ git reset --soft HEAD^\n$ edit\n```\n\nThis is most often done when you remember the commit was incomplete.',
        },
      ],
    });
    expect(a.text).toMatch(
      /undo the last commit like this: ?\[1\]:?\n\n```\n\$ git reset --soft HEAD\^\n\$ edit\n```/,
    );
  });

  it.each([
    // A caption: a paragraph of one short sentence right over the code (examples pages).
    [
      "Compute the date of the first Tuesday in October for the current year.\n\n```\nSELECT date('now','start of year','+9 months','weekday 2');\n```",
      true,
    ],
    // The same sentence inside a paragraph of several is prose about something else, not a caption.
    [
      'The examples below use the date functions. Compute the date of the first Tuesday in October for the current year. Other examples follow later on this page and in the appendix.\n\n```\nSELECT 1;\n```',
      false,
    ],
  ])('shows the code under a caption sentence with it (%#)', (text, withCode) => {
    const a = extractiveAnswer({
      query: 'which date modifier finds the first Tuesday in October?',
      passages: [{ n: 1, text }],
    });
    expect(a.text).toContain('first Tuesday in October');
    expect(a.text.includes('```')).toBe(withCode);
  });

  it('answers a how-to from the example whose title names the task, over prose that shares its words', () => {
    const a = extractiveAnswer({
      query: 'how do I undo my last commit but keep the changes to redo it?',
      passages: [
        // Retrieved as well as each other (the same rank).
        {
          n: 1,
          rank: 0,
          kind: 'term',
          headings: ['git-diff(1)', 'EXAMPLES', 'Various ways to check your working tree'],
          text: 'Changes in the working tree since your last commit; what you would be committing with all changes.',
        },
        {
          n: 2,
          rank: 0,
          kind: 'term',
          headings: ['git-reset(1)', 'EXAMPLES', 'Undo a commit and redo'],
          text: 'Do this when you remember what you just committed is incomplete:\n\n```\n$ git reset --soft HEAD^\n```',
        },
      ],
    });
    expect(a.cited[0]).toBe(2);
    expect(a.text).toContain('git reset --soft HEAD^');
  });

  it('gives a how-to the best code of its sources when no sentence shows a command', () => {
    const a = extractiveAnswer({
      query: 'how do I export a query result to a CSV file?',
      passages: [
        { n: 1, text: 'The shell can export the result of a query to a CSV file that spreadsheets read.' },
        { n: 2, text: '```\nsqlite> .headers on\nsqlite> .mode csv\nsqlite> .once result.csv\n```' },
      ],
    });
    expect(a.text).toContain('```\nsqlite> .headers on\nsqlite> .mode csv');
    expect(a.cited).toContain(2);
  });
});

describe('cutting a long sentence', () => {
  it('never starts or ends the window inside a code span (a lone backtick would swallow the marker)', () => {
    const text =
      'The `git rm --cached <file/pattern>` command and a `.gitignore` file that matches `the <file> and more of it` ' +
      'make sure that files which were tracked before they were added to `.gitignore` stop being tracked, ' +
      'while the copies in the working tree stay where they are and keep every change made to them so far.';
    for (let maxWords = 8; maxWords <= 30; maxWords++) {
      const a = extractiveAnswer({
        query: 'how do I stop tracking files that were tracked before adding them to gitignore?',
        passages: [{ n: 1, text }],
        maxWords,
        weights: { minPart: 4 },
      });
      if (!a.text) continue;
      expect(a.text.split('`').length % 2, `${maxWords} words: ${a.text}`).toBe(1);
      expect(a.text).toMatch(/\[1\]/);
    }
  });
});

describe('options of another command', () => {
  it.each([
    [
      'which two characters does git status --short print for ignored files?',
      'git-commit(1) Manual Page',
      true,
    ],
    [
      'which two characters does git status --short print for ignored files?',
      'git-status(1) Manual Page',
      false,
    ],
    ['what does git diff-files --name-only do?', 'git-diff(1) Manual Page', true],
    ['what does --short do?', 'git-commit(1) Manual Page', false],
    ['how do I use --name-only?', 'SQLite Documentation', false],
  ])('%s on "%s" → %s', (question, title, yes) => {
    expect(optionOfOtherCommand(question, title)).toBe(yes);
  });

  it("answers from the named command's page, not from an entry of another command named by the option", () => {
    const a = extractiveAnswer({
      query: 'which two characters does git status --short print for ignored files?',
      passages: [
        {
          n: 1,
          title: 'git-status(1) Manual Page',
          headings: ['git-status(1) Manual Page', 'OUTPUT', 'Short Format'],
          text:
            'When a path is untracked, `X` and `Y` are always the same, since they are unknown to the index. ' +
            '`??` is used for untracked paths. Ignored files are not listed unless `--ignored` is used; if it is, ' +
            'ignored files are indicated by `!!` .',
        },
        {
          n: 2,
          kind: 'term',
          title: 'git-commit(1) Manual Page',
          headings: ['git-commit(1) Manual Page', 'OPTIONS', '--short'],
          text: 'When doing a dry-run, give the output in the short-format. See git-status(1) for details.',
        },
      ],
    });
    expect(a.text).toContain('indicated by `!!` [1].');
    expect(a.cited[0]).toBe(1);
  });
});

describe('abstaining on documentation', () => {
  it('does not answer a default question that no sentence states and nothing covers well', () => {
    const a = extractiveAnswer({
      query: 'what is the default timeout of the frobnicator?',
      passages: [
        { n: 1, text: 'The frobnicator runs once an hour and logs what it did to the journal.' },
        { n: 2, text: 'Timeouts are set in the configuration file, one per service.' },
      ],
    });
    expect(a.text).toBe('');
  });
});

describe('plainVerbs', () => {
  it.each([
    ['how do I turn on foreign key enforcement?', 'how do I enable foreign key enforcement?'],
    ['how do I switch WAL mode off?', 'how do I disable WAL mode?'],
    ['turning off the cache', 'disable the cache'],
    ['what happens on turn of the year', 'what happens on turn of the year'],
  ])('%s → %s', (q, plain) => {
    expect(plainVerbs(q)).toBe(plain);
  });
});
