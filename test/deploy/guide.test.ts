import { describe, expect, it } from 'vitest';
import { guideCommands, stripComment, substitute } from './guide.js';

describe('guideCommands', () => {
  it('reads the sh blocks only, joins continuations, drops comments, marks what needs the internet', () => {
    const md = [
      'Text `docker compose down` in prose is not a command.',
      '```sh',
      '# a comment line',
      'cp .env.example .env',
      '',
      'docker compose up -d          # start',
      "curl -s localhost:8080/v1/crawls -H 'x: #1' \\",
      "  -d '{}'",
      'git pull   # needs the internet',
      '```',
      '```ini',
      'LLM_MODEL=x',
      '```',
      '```sh',
      'docker compose ps',
      '```',
    ].join('\n');
    expect(guideCommands(md)).toEqual([
      { text: 'cp .env.example .env', needsInternet: false, line: 4 },
      { text: 'docker compose up -d', needsInternet: false, line: 6 },
      { text: "curl -s localhost:8080/v1/crawls -H 'x: #1' -d '{}'", needsInternet: false, line: 7 },
      { text: 'git pull', needsInternet: true, line: 9 },
      { text: 'docker compose ps', needsInternet: false, line: 15 },
    ]);
  });

  it.each([
    ['no comment', 'a b', 'a b'],
    ['trailing comment', 'a b   # c', 'a b'],
    ['hash inside quotes', `echo '# not' "#nor" # yes`, `echo '# not' "#nor"`],
    ['hash inside a word', 'echo a#b', 'echo a#b'],
  ])('stripComment: %s', (_name, input, output) => {
    expect(stripComment(input)).toBe(output);
  });
});

describe('substitute', () => {
  const s = {
    citeboxOrigin: 'http://127.0.0.1:18080',
    siteUrl: 'http://site:8000',
    project: 'citebox-test',
    toolImage: 'local/debian',
  };
  it.each([
    ['the published port', 'curl -s localhost:8080/v1/crawls', 'curl -s 127.0.0.1:18080/v1/crawls'],
    ['the crawled site', '{"seeds": ["https://docs.example.com"]}', '{"seeds": ["http://site:8000"]}'],
    [
      'volume names and the tool image',
      'docker run --rm -v citebox_citebox-data:/data busybox tar c',
      'docker run --rm -v citebox-test_citebox-data:/data local/debian tar c',
    ],
    [
      'nothing else',
      'docker compose exec citebox node bin/citebox.js status',
      'docker compose exec citebox node bin/citebox.js status',
    ],
  ])('%s', (_name, input, output) => {
    expect(substitute(input, s)).toBe(output);
  });
});
