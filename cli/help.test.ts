import { describe, expect, it } from 'vitest';
import {
  asksForHelp,
  COMMANDS,
  commandHelp,
  EXIT_USAGE,
  findCommand,
  helpText,
  overviewHelp,
} from './help.js';

describe('command help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s lists its options and exit codes',
    (name, command) => {
      const text = commandHelp(command);
      expect(text.startsWith(`Usage: citebox ${name} `)).toBe(true);
      expect(text).toMatch(/\nOptions:\n/);
      expect(text).toContain('-h, --help');
      for (const [flags] of command.options) expect(text).toContain(flags);
      for (const [code] of command.exitCodes) expect(text).toMatch(new RegExp(`\\n  ${code} +\\S`));
      expect(text).toMatch(new RegExp(`\\n  ${EXIT_USAGE} +bad usage`));
      // Every line fits a terminal.
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(110);
    },
  );

  it('gives ask its documented exit codes', () => {
    const codes = findCommand('ask')?.exitCodes.map(([code]) => code);
    expect(codes).toEqual([0, 1, 2]);
    expect(findCommand('crawl')?.exitCodes.map(([code]) => code)).toEqual([0, 1, 130]);
  });

  it('lists every command in the overview', () => {
    const overview = overviewHelp();
    for (const c of COMMANDS)
      expect(overview).toMatch(new RegExp(`\\n  ${c.name} +${c.summary.slice(0, 10)}`));
  });

  it.each([
    [['--help'], true],
    [['-h'], true],
    [['https://a.example', '--max-pages', '5', '--help'], true],
    [['--', '--help'], false],
    [['how do I --helpfully'], false],
    [[], false],
  ] as const)('asksForHelp(%j) is %s', (args, expected) => {
    expect(asksForHelp(args)).toBe(expected);
  });
});

describe('helpText', () => {
  it.each([
    [[], 'overview'],
    [['--help'], 'overview'],
    [['help'], 'overview'],
    [['help', 'ask'], 'ask'],
    [['ask', '--help'], 'ask'],
    [['crawl', 'https://a.example', '-h'], 'crawl'],
    [['help', 'nope'], undefined],
    [['nope', '--help'], undefined],
    [['ask', 'what is --help?'], undefined],
    [['status'], undefined],
  ] as const)('%j → %s', (argv, expected) => {
    const text = helpText(argv);
    if (expected === undefined) expect(text).toBeUndefined();
    else if (expected === 'overview') expect(text).toBe(overviewHelp());
    else expect(text?.startsWith(`Usage: citebox ${expected} `)).toBe(true);
  });
});
