// Conformance table for robots.txt: the cases of RFC 9309 (groups, longest match, Allow on ties,
// `*` and `$`, percent-encoding) and the Google reference parser's documented behaviour, written as
// (robots.txt, user agent, URL, allowed) rows, plus the query cases of issue 16.
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, normalizeRobotsPath, robotsPathOf, robotsPolicy } from './robots-rules.js';

type Row = readonly [name: string, robots: string, agent: string, url: string, allowed: boolean];

const FOO_DISALLOW_ALL = 'user-agent: FooBot\ndisallow: /\n';
const GROUPS =
  'allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\n' +
  'allow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n';
const FISH = 'user-agent: FooBot\ndisallow: /\nallow: /fish\n';
const PHP_END = 'user-agent: FooBot\ndisallow: /\nallow: /*.php$\n';

const ROWS: readonly Row[] = [
  // syntax and groups
  ['empty file allows all', '', 'FooBot', 'http://foo.bar/x', true],
  ['a group disallows', FOO_DISALLOW_ALL, 'FooBot', 'http://foo.bar/x/y', false],
  ['unknown names are ignored', 'foo: FooBot\nbar: /\n', 'FooBot', 'http://foo.bar/x/y', true],
  ['a missing colon is accepted', 'user-agent FooBot\ndisallow /\n', 'FooBot', 'http://foo.bar/x/y', false],
  ['groups: FooBot /x/', GROUPS, 'FooBot', 'http://foo.bar/x/b', true],
  ['groups: FooBot rules of both its groups (/z/)', GROUPS, 'FooBot', 'http://foo.bar/z/d', true],
  ['groups: FooBot /y/', GROUPS, 'FooBot', 'http://foo.bar/y/c', false],
  ['groups: BarBot /y/', GROUPS, 'BarBot', 'http://foo.bar/y/c', true],
  [
    'groups: BarBot /w/ (rule after an empty line joins the group)',
    GROUPS,
    'BarBot',
    'http://foo.bar/w/a',
    true,
  ],
  ['groups: BarBot /z/', GROUPS, 'BarBot', 'http://foo.bar/z/d', false],
  ['groups: BazBot shares the FooBot group that follows it', GROUPS, 'BazBot', 'http://foo.bar/z/d', true],
  ['rules before any user-agent belong to no group', GROUPS, 'FooBot', 'http://foo.bar/foo/bar/', false],
  [
    'directive names ignore case',
    'USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n',
    'FooBot',
    'http://foo.bar/x/y',
    true,
  ],
  [
    'directive names ignore case (2)',
    'uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n',
    'FooBot',
    'http://foo.bar/a/b',
    false,
  ],
  ['misspelt disallow', 'user-agent: FooBot\ndisalow: /\n', 'FooBot', 'http://foo.bar/a', false],
  ['CR line ends', 'User-Agent: foo\rDisallow: /a\r', 'foo', 'http://foo.bar/a', false],
  ['CRLF line ends', 'User-Agent: foo\r\nDisallow: /a\r\n', 'foo', 'http://foo.bar/a', false],
  // user agents
  [
    'the user-agent value ignores case',
    'User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n',
    'foo',
    'http://foo.bar/x/y',
    true,
  ],
  [
    'the user-agent value counts up to a space (Google)',
    'User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n',
    'Foo',
    'http://foo.bar/a/b',
    false,
  ],
  [
    'a value with a space names only its first word',
    'User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n',
    'Foo',
    'http://foo.bar/x/y',
    true,
  ],
  [
    'a version after a slash is ignored',
    'User-agent: FooBot/2.1\nDisallow: /\n',
    'FooBot',
    'http://foo.bar/a',
    false,
  ],
  ['the token must match whole', 'User-agent: FooBotX\nDisallow: /\n', 'FooBot', 'http://foo.bar/a', true],
  [
    '* applies when no group names us',
    'user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n',
    'BarBot',
    'http://foo.bar/x/y',
    true,
  ],
  [
    'our group wins over *',
    'user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n',
    'FooBot',
    'http://foo.bar/x/y',
    false,
  ],
  [
    'no group for us and no *: all allowed',
    'user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\n',
    'QuxBot',
    'http://foo.bar/x/y',
    true,
  ],
  [
    'our group replaces * entirely',
    'User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n',
    'FooBot',
    'http://foo.bar/x/page',
    true,
  ],
  // longest match, ties
  ['case-sensitive paths', 'user-agent: FooBot\ndisallow: /X/\n', 'FooBot', 'http://foo.bar/x/y', true],
  [
    'longest match: disallow',
    'user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n',
    'FooBot',
    'http://foo.bar/x/page.html',
    false,
  ],
  [
    'longest match: allow',
    'user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n',
    'FooBot',
    'http://foo.bar/x/page.html',
    true,
  ],
  [
    'longest match: the directory',
    'user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n',
    'FooBot',
    'http://foo.bar/x/',
    false,
  ],
  [
    'empty rules allow',
    'user-agent: FooBot\ndisallow: \nallow: \n',
    'FooBot',
    'http://foo.bar/x/page.html',
    true,
  ],
  ['Allow wins a tie', 'user-agent: FooBot\ndisallow: /\nallow: /\n', 'FooBot', 'http://foo.bar/x', true],
  [
    'Allow wins a tie (2)',
    'user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n',
    'FooBot',
    'http://foo.bar/x/page.html',
    true,
  ],
  ['/x is not /x/', 'user-agent: FooBot\ndisallow: /x\nallow: /x/\n', 'FooBot', 'http://foo.bar/x', false],
  ['/x/ is allowed', 'user-agent: FooBot\ndisallow: /x\nallow: /x/\n', 'FooBot', 'http://foo.bar/x/', true],
  [
    'a longer wildcard rule wins',
    'user-agent: FooBot\nallow: /page\ndisallow: /*.html\n',
    'FooBot',
    'http://foo.bar/page.html',
    false,
  ],
  [
    'a shorter wildcard rule loses',
    'user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n',
    'FooBot',
    'http://foo.bar/x/page.html',
    true,
  ],
  [
    'precedence: allow /p',
    'user-agent: FooBot\nallow: /p\ndisallow: /\n',
    'FooBot',
    'http://example.com/page',
    true,
  ],
  [
    'precedence: same pattern',
    'user-agent: FooBot\nallow: /folder\ndisallow: /folder\n',
    'FooBot',
    'http://example.com/folder/page',
    true,
  ],
  ['precedence: /$', 'user-agent: FooBot\nallow: /$\ndisallow: /\n', 'FooBot', 'http://example.com/', true],
  [
    'precedence: /$ only the root',
    'user-agent: FooBot\nallow: /$\ndisallow: /\n',
    'FooBot',
    'http://example.com/page.html',
    false,
  ],
  // special characters
  [
    '* in the middle',
    'User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n',
    'FooBot',
    'http://foo.bar/foo/bar/quz',
    false,
  ],
  [
    '* matches an empty run',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/*/qux\n',
    'FooBot',
    'http://foo.bar/foo//qux',
    true,
  ],
  [
    '$ anchors',
    'User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n',
    'FooBot',
    'http://foo.bar/foo/bar',
    false,
  ],
  [
    '$ anchors only the end',
    'User-agent: FooBot\nDisallow: /foo/bar$\n',
    'FooBot',
    'http://foo.bar/foo/bar/',
    true,
  ],
  [
    '# starts a comment',
    'User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n',
    'FooBot',
    'http://foo.bar/foo/bar',
    true,
  ],
  [
    'a rule cut by its comment',
    'User-agent: FooBot\nDisallow: /foo/quz#qux\nAllow: /\n',
    'FooBot',
    'http://foo.bar/foo/quz',
    false,
  ],
  ['fish: /fish', FISH, 'FooBot', 'http://foo.bar/fish', true],
  ['fish: /fish.html?id=anything', FISH, 'FooBot', 'http://foo.bar/fish.html?id=anything', true],
  ['fish: /fishheads/yummy.html', FISH, 'FooBot', 'http://foo.bar/fishheads/yummy.html', true],
  ['fish: /Fish.asp', FISH, 'FooBot', 'http://foo.bar/Fish.asp', false],
  ['fish: /catfish', FISH, 'FooBot', 'http://foo.bar/catfish', false],
  ['fish: /?id=fish', FISH, 'FooBot', 'http://foo.bar/?id=fish', false],
  [
    '/fish* equals /fish',
    'user-agent: FooBot\ndisallow: /\nallow: /fish*\n',
    'FooBot',
    'http://foo.bar/fish.html',
    true,
  ],
  [
    '/fish/ is not /fish',
    'user-agent: FooBot\ndisallow: /\nallow: /fish/\n',
    'FooBot',
    'http://foo.bar/fish',
    false,
  ],
  ['/*.php$: /filename.php', PHP_END, 'FooBot', 'http://foo.bar/filename.php', true],
  ['/*.php$: with a query', PHP_END, 'FooBot', 'http://foo.bar/filename.php?parameters', false],
  ['/*.php$: /filename.php5', PHP_END, 'FooBot', 'http://foo.bar/filename.php5', false],
  ['/*.php$: /windows.PHP', PHP_END, 'FooBot', 'http://foo.bar//windows.PHP', false],
  [
    '/*.php in a query',
    'user-agent: FooBot\ndisallow: /\nallow: /*.php\n',
    'FooBot',
    'http://foo.bar/index?f=filename.php/',
    true,
  ],
  [
    '/fish*.php',
    'user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n',
    'FooBot',
    'http://foo.bar/fishheads/catfish.php?parameters',
    true,
  ],
  [
    'many wildcards stay linear',
    `user-agent: FooBot\ndisallow: /${'*a'.repeat(200)}$\n`,
    'FooBot',
    `http://foo.bar/${'a'.repeat(150)}b`,
    true,
  ],
  // percent-encoding (RFC 9309 2.2.2)
  [
    'reserved characters stay literal',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n',
    'FooBot',
    'http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par',
    true,
  ],
  [
    'a UTF-8 rule matches the escaped URL',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n',
    'FooBot',
    'http://foo.bar/foo/bar/%E3%83%84',
    true,
  ],
  [
    'an escaped rule matches the escaped URL',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n',
    'FooBot',
    'http://foo.bar/foo/bar/%e3%83%84',
    true,
  ],
  // RFC 9309 decodes escapes of unreserved characters (Google's parser does not).
  [
    'escaped unreserved characters are the characters',
    'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n',
    'FooBot',
    'http://foo.bar/foo/bar/baz',
    true,
  ],
  ['an escaped / is not a /', 'User-agent: FooBot\nDisallow: /a/b\n', 'FooBot', 'http://foo.bar/a%2Fb', true],
  // Google extras
  [
    'index.html allows its directory',
    'User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n',
    'foobot',
    'http://foo.com/allowed-slash/',
    true,
  ],
  [
    'index.html: not index.htm',
    'User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n',
    'foobot',
    'http://foo.com/allowed-slash/index.htm',
    false,
  ],
  [
    'index.html: itself',
    'User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n',
    'foobot',
    'http://foo.com/allowed-slash/index.html',
    true,
  ],
  [
    'index.html: nothing else',
    'User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n',
    'foobot',
    'http://foo.com/anyother-url',
    false,
  ],
  ['a BOM is skipped', '\ufeffUser-Agent: foo\nDisallow: /a\n', 'foo', 'http://foo.bar/a', false],
  // issue 16: the query as it will be requested
  [
    'Disallow /search?q= refuses the link as written',
    'User-agent: *\nDisallow: /search?q=\n',
    'CiteboxBot',
    'https://e.example/search?q=x&lang=en',
    false,
  ],
  [
    '... and not the reordered key',
    'User-agent: *\nDisallow: /search?q=\n',
    'CiteboxBot',
    'https://e.example/search?lang=en&q=x',
    true,
  ],
  [
    'an allowed URL with a literal query',
    'User-agent: *\nDisallow: /a\nAllow: /a/b?c=http://d.e/\n',
    'CiteboxBot',
    'https://e.example/a/b?c=http://d.e/',
    true,
  ],
  [
    'the escaped form is another URL',
    'User-agent: *\nDisallow: /a\nAllow: /a/b?c=http://d.e/\n',
    'CiteboxBot',
    'https://e.example/a/b?c=http%3A%2F%2Fd.e%2F',
    false,
  ],
  [
    'valueless parameters',
    'User-agent: *\nDisallow: /list?a&\n',
    'CiteboxBot',
    'https://e.example/list?a&b',
    false,
  ],
  [
    'a path-like query',
    'User-agent: *\nDisallow: /index.php?/category/\n',
    'CiteboxBot',
    'https://e.example/index.php?/category/3',
    false,
  ],
  [
    'a fragment is not part of the path',
    'User-agent: *\nDisallow: /a$\n',
    'CiteboxBot',
    'https://e.example/a#top',
    false,
  ],
];

describe('robotsPolicy conformance', () => {
  it.each(ROWS)('%s', (_name, robots, agent, url, allowed) => {
    expect(robotsPolicy(robots, agent).isAllowed(url)).toBe(allowed);
  });

  it('skips a whole or partial UTF-8 byte-order mark in bytes', () => {
    for (const bom of [[0xef, 0xbb, 0xbf], [0xef, 0xbb], [0xef]]) {
      const body = Buffer.concat([Buffer.from(bom), Buffer.from('User-Agent: foo\nDisallow: /a\n')]);
      expect(robotsPolicy(body, 'foo').isAllowed('http://foo.bar/a')).toBe(false);
    }
    // A broken mark spoils the first line only.
    const broken = Buffer.concat([
      Buffer.from([0xef, 0x11, 0xbf]),
      Buffer.from('User-Agent: foo\nDisallow: /a\n'),
    ]);
    expect(robotsPolicy(broken, 'foo').isAllowed('http://foo.bar/a')).toBe(true);
  });

  it('cuts lines at 16,663 characters, as Google does', () => {
    const long = `/x/${'a'.repeat(MAX_LINE_CHARS)}`;
    const robots = `user-agent: FooBot\ndisallow: ${long}/qux\n`;
    const policy = robotsPolicy(robots, 'FooBot');
    expect(policy.isAllowed('http://foo.bar/fux')).toBe(true);
    // The cut rule is a prefix of this URL; the whole rule is not.
    expect(policy.isAllowed(`http://foo.bar${long}/fux`)).toBe(false);
  });

  it('reads sitemaps anywhere and the crawl-delay of the chosen group', () => {
    const robots =
      'Sitemap: http://foo.bar/a.xml\nUser-agent: *\nCrawl-delay: 3\nUser-agent: FooBot\nCrawl-delay: 7\nsite-map: http://foo.bar/b.xml\n';
    expect(robotsPolicy(robots, 'foobot').sitemaps).toEqual(['http://foo.bar/a.xml', 'http://foo.bar/b.xml']);
    expect(robotsPolicy(robots, 'foobot').crawlDelaySeconds).toBe(7);
    expect(robotsPolicy(robots, 'other').crawlDelaySeconds).toBe(3);
    expect(
      robotsPolicy('User-agent: FooBot\nCrawl-delay: 7\nUser-agent: *\nCrawl-delay: 2\n', 'other')
        .crawlDelaySeconds,
    ).toBe(2);
  });
});

describe('robots paths', () => {
  it.each([
    ['http://www.example.com', '/'],
    ['http://www.example.com/a/b?c=http://d.e/', '/a/b?c=http://d.e/'],
    ['http://www.example.com/a/b?c=d&e=f#fragment', '/a/b?c=d&e=f'],
    ['http://example.com?a', '/?a'],
    ['http://example.com/a;b#c', '/a;b'],
    ['/a?x', '/a?x'],
  ])('%s → %s', (url, path) => {
    expect(robotsPathOf(url)).toBe(path);
  });

  it.each([
    ['/a/b/c', '/a/b/c'],
    ['á', '%C3%A1'],
    ['%aa', '%AA'],
    ['/%7euser/%41%2f', '/~user/A%2F'],
    ['/a b', '/a%20b'],
  ])('normalizes %s → %s', (input, expected) => {
    expect(normalizeRobotsPath(input)).toBe(expected);
  });
});
