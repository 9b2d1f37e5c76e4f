import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  hostOf,
  makeScope,
  normalizeUrl,
  registrableDomain,
  requestUrl,
  resolveLink,
} from './urls.js';

describe('normalizeUrl', () => {
  it.each([
    ['HTTP://Example.COM:80/a/../b/?b=2&a=1#frag', 'http://example.com/b/?a=1&b=2'],
    ['https://example.com:443', 'https://example.com/'],
    ['https://example.com/page?utm_source=x&id=3&fbclid=abc', 'https://example.com/page?id=3'],
    ['https://example.com/?utm_medium=a', 'https://example.com/'],
    ['https://user:pw@example.com/x', 'https://example.com/x'],
    ['https://example.com./x', 'https://example.com/x'],
    ['https://bücher.example/ä', 'https://xn--bcher-kva.example/%C3%A4'],
    ['https://example.com/%7euser/%2f%41', 'https://example.com/~user/%2FA'],
    // Parameters are ordered by name; a repeated name keeps its values' order; valueless stay valueless.
    ['https://example.com/a?z=1&z=0&a', 'https://example.com/a?a&z=1&z=0'],
    ['https://example.com/a?PHPSESSID=123&q=x', 'https://example.com/a?q=x'],
    ['https://example.com/a?', 'https://example.com/a'],
    ['https://example.com/a?&&b=1&', 'https://example.com/a?b=1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  // The query cases of issue 16: a key may reorder and drop tracking parameters, nothing else.
  it.each([
    ['https://e.example/search?q=x&lang=en', 'https://e.example/search?lang=en&q=x'],
    ['https://e.example/a/b?c=http://d.e/', 'https://e.example/a/b?c=http://d.e/'],
    ['https://e.example/list?a&b', 'https://e.example/list?a&b'],
    ['https://e.example/index.php?/category/3', 'https://e.example/index.php?/category/3'],
    ['https://e.example/s?q=tl;dr', 'https://e.example/s?q=tl;dr'],
    ['https://e.example/s?q=caf%E9', 'https://e.example/s?q=caf%E9'],
    ['https://e.example/s?q=caf%e9&%75tm_source=x', 'https://e.example/s?q=caf%E9'],
    ['https://e.example/s?q=a+b&q=a%20b', 'https://e.example/s?q=a+b&q=a%20b'],
  ])('key of %s is %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('refuses non-http schemes and junk', () => {
    expect(() => normalizeUrl('ftp://example.com/')).toThrow(/Only http and https/);
    expect(() => normalizeUrl('not a url')).toThrow(/Not a valid URL/);
  });
});

describe('requestUrl', () => {
  // What is requested is the link as written, serialized as a browser sends it.
  it.each([
    ['https://e.example/search?q=x&lang=en', 'https://e.example/search?q=x&lang=en'],
    ['https://e.example/a/b?c=http://d.e/', 'https://e.example/a/b?c=http://d.e/'],
    ['https://e.example/list?a&b', 'https://e.example/list?a&b'],
    ['https://e.example/index.php?/category/3', 'https://e.example/index.php?/category/3'],
    ['https://e.example/s?q=tl;dr', 'https://e.example/s?q=tl;dr'],
    ['https://e.example/s?q=caf%E9', 'https://e.example/s?q=caf%E9'],
    ['https://e.example/s?utm_source=x&q=1', 'https://e.example/s?utm_source=x&q=1'],
    ['HTTP://User:pw@E.Example:80/a/./b/../c#frag', 'http://e.example/a/c'],
    ['https://e.example./%7euser', 'https://e.example/%7euser'],
    ['https://e.example/a b?q=a b', 'https://e.example/a%20b?q=a%20b'],
    ['https://bücher.example/ä?q=ä', 'https://xn--bcher-kva.example/%C3%A4?q=%C3%A4'],
  ])('%s → %s', (input, expected) => {
    expect(requestUrl(input)).toBe(expected);
  });
});

describe('resolveLink', () => {
  it.each([
    ['/b', 'https://example.com/a/', 'https://example.com/b'],
    ['?b=2&a=1&utm_source=x', 'https://example.com/a/', 'https://example.com/a/?b=2&a=1&utm_source=x'],
    ['c?x=1#top', 'https://example.com/a/', 'https://example.com/a/c?x=1'],
    ['#top', 'https://example.com/a/', undefined],
    ['javascript:void(0)', 'https://example.com/', undefined],
    ['mailto:a@b.c', 'https://example.com/', undefined],
    ['ftp://example.com/f', 'https://example.com/', undefined],
    ['//other.org/x', 'https://example.com/', 'https://other.org/x'],
  ])('%s on %s → %s', (href, base, expected) => {
    expect(resolveLink(href, base)).toBe(expected);
  });
});

describe('hostOf', () => {
  it.each([
    ['https://example.com/a', 'example.com'],
    ['http://127.0.0.1:8080/?q', '127.0.0.1'],
    ['http://[::1]:80/', '[::1]'],
    ['http://u:p@Host.Example', 'host.example'],
  ])('%s → %s', (url, host) => {
    expect(hostOf(url)).toBe(host);
    expect(hostOf(url)).toBe(new URL(url).hostname);
  });
});

describe('scope', () => {
  it.each([
    ['host', 'https://docs.example.com/a', true],
    ['host', 'https://www.docs.example.com/a', true],
    ['host', 'https://blog.example.com/a', false],
    ['domain', 'https://blog.example.com/a', true],
    ['domain', 'https://example.org/a', false],
    ['hosts', 'https://cdn.other.net/x', true],
    ['hosts', 'https://blog.example.com/a', false],
    // Extra hosts add to every mode, --scope domain too.
    ['host', 'https://cdn.other.net/x', true],
    ['domain', 'https://cdn.other.net/x', true],
    ['domain', 'https://www.cdn.other.net:8443/x', true],
    ['domain', 'https://img.other.net/x', false],
  ] as const)('mode %s: %s in scope = %s', (mode, url, expected) => {
    const scope = makeScope({ mode, hosts: ['docs.example.com'], allowedHosts: ['cdn.other.net'] });
    expect(scope(url)).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:9/x', true],
    ['https://127.0.0.1:9/x', true],
    ['http://127.0.0.1:8080/x', false],
    ['http://127.0.0.1/x', false],
  ])('ports count in host mode: %s in scope = %s', (url, expected) => {
    expect(makeScope({ hosts: ['127.0.0.1:9'] })(url)).toBe(expected);
  });

  it('applies include and exclude patterns', () => {
    const scope = makeScope({ hosts: ['e.com'], include: ['/docs/*'], exclude: ['*.pdf', '/\\/old\\//'] });
    expect(scope('https://e.com/docs/a')).toBe(true);
    expect(scope('https://e.com/blog/a')).toBe(false);
    expect(scope('https://e.com/docs/old/a')).toBe(false);
    expect(compilePattern('*.pdf')('https://e.com/docs/x.pdf')).toBe(true);
  });

  it('finds registrable domains with the public suffix list', () => {
    expect(registrableDomain('docs.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('a.b.github.io')).toBe('b.github.io');
    expect(registrableDomain('127.0.0.1')).toBe('127.0.0.1');
  });
});
