import { describe, expect, it } from 'vitest';
import { EchoedTagStripper } from './echoed-tags.js';

/** The text through the stripper in chunks of `size` characters. */
function strip(text: string, size: number): string {
  const s = new EchoedTagStripper();
  let out = '';
  for (let i = 0; i < text.length; i += size) out += s.push(text.slice(i, i + size));
  return out + s.end();
}

describe('EchoedTagStripper', () => {
  it.each([
    // Qwen2.5-Coder 0.5B's answers to Git-manual questions (eval:answers --site).
    [
      '<source n="1" title="git-status(1)" section="git-status(1) Manual Page › OPTIONS › -s, --short">\n-s, --short: Give the output in the short-format [1].\n</source>',
      '\n-s, --short: Give the output in the short-format [1].\n',
    ],
    [
      '<source n="2" title="git-ls-files(1)" section="x › --eol"> --eol: the attribute used when checking out </source>',
      ' --eol: the attribute used when checking out  [2]',
    ],
    [
      '<claim> The command `git filter-branch --force` rewrites.</claim>',
      ' The command `git filter-branch --force` rewrites.',
    ],
    ['<source n="3">a</source> and <source n="4">b [4]</source>', 'a [3] and b [4]'],
    // Text that only starts like a tag goes on as it is.
    ['git log <commit> -- <path>', 'git log <commit> -- <path>'],
    ['if a < b and b<c', 'if a < b and b<c'],
    ['<sourcefile> is not a tag', '<sourcefile> is not a tag'],
    ['ends with <sou', 'ends with <sou'],
    ['<<source n="1">x</source>', '<x [1]'],
    ['a title with > inside <source n="1" title="a > b">x</source>', 'a title with > inside x [1]'],
    ['</source> closes nothing', ' closes nothing'],
  ])('%j', (input, expected) => {
    for (const size of [1, 3, 7, 1000]) expect(strip(input, size)).toBe(expected);
  });

  it('gives up on a tag longer than a tag can be', () => {
    const text = `<source n="1" title="${'x'.repeat(500)}`;
    expect(strip(text, 5)).toBe(text);
  });
});
