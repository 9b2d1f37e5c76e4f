import { describe, expect, it } from 'vitest';
import { answerTypeOf, asksHowTo, holdsIdentifier, questionIdentifiers } from './question.js';

describe('answerTypeOf: what documentation questions ask', () => {
  it.each([
    ['how long does git keep reflog entries by default?', 'default'],
    ['what is the default port of git instaweb?', 'default'],
    ['默认端口是多少？', 'default'],
    ['what is the maximum length of a string in SQLite?', 'limit'],
    ['what range of values does strftime %j produce?', 'limit'],
    // "Which …" asks for one of the kind it names, whatever the bound in its description.
    ['which internal table stores the largest rowid used by AUTOINCREMENT?', 'other'],
    ['which pragma sets the maximum number of pages in a database file?', 'howto'],
    ['Which state has the largest number of members?', 'place'],
    ['存储最大 rowid 的是哪个内部表？', 'other'],
    ['字符串的最大长度是多少？', 'limit'],
    ['which sqlite version added the RETURNING clause?', 'version'],
    ['in which version was the iif() function added?', 'version'],
    ['which git diff option shows only the names of changed files?', 'howto'],
    ['how do I turn on foreign key enforcement?', 'howto'],
    ['如何启用外键？', 'howto'],
    ['files I added to .gitignore are still tracked, how do I untrack them?', 'howto'],
    ['My hook never runs. How can I fix it?', 'howto'],
    ['does SQLite support RIGHT JOIN?', 'yesno'],
    ['What is Citebox?', 'definition'],
    ['When was it built?', 'time'],
    ['谁是超级碗比赛中年龄最大的四分卫？', 'person'],
    ['Who was the oldest quarterback to play?', 'person'],
  ])('%s → %s', (q, type) => {
    expect(answerTypeOf(q)).toBe(type);
  });
});

describe('asksHowTo', () => {
  it.each([
    ['how do I undo my last commit?', true],
    ['files I added to .gitignore are still tracked, how do I untrack them?', true],
    ['The build fails. How can I see why?', true],
    ['which option shows only names?', false],
    ['somehow it fails', false],
  ])('%s → %s', (q, yes) => {
    expect(asksHowTo(q)).toBe(yes);
  });
});

describe('questionIdentifiers', () => {
  it.each([
    ['what does core.autocrlf do?', ['core.autocrlf']],
    ['which option is --name-only for?', ['--name-only']],
    ['what does path.join() return?', ['path.join']],
    ['default of PRAGMA journal_mode', ['journal_mode', 'pragma']],
    ['what does `git add -p` do', ['git add -p']],
    ['what does UU mean in git status --short output?', ['--short', 'uu']],
    ['size above which git treats a file as big (core.bigFileThreshold default)', ['core.bigfilethreshold']],
    ['how long does git keep reflog entries by default?', []],
    ['Who wrote Hamlet? I wonder.', []],
  ])('%s → %j', (q, ids) => {
    expect(questionIdentifiers(q).sort()).toEqual([...ids].sort());
  });

  it.each([
    ['set core.autocrlf to true', 'core.autocrlf', true],
    ['see core.autocrlf.', 'core.autocrlf', true],
    ['core.autocrlfx is another', 'core.autocrlf', false],
    ['use --name-only-x', '--name-only', false],
    ['the --name-only option', '--name-only', true],
    ['call path.join(a, b)', 'path.join', true],
    ['mycore.autocrlf', 'core.autocrlf', false],
  ])('holdsIdentifier(%j, %j) = %s', (text, id, held) => {
    expect(holdsIdentifier(text, id)).toBe(held);
  });
});
