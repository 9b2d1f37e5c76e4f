import { describe, expect, it } from 'vitest';
import { questionLanguage, wrongLanguage } from './language-check.js';

describe('questionLanguage', () => {
  it.each([
    ['When did Apollo 11 land on the Moon?', 'en'],
    ["Where can a lot Tesla's writings be found?", 'en'],
    ['长城有多长？', 'zh'],
    ['Wie funktioniert der Crawler und wo sind die Daten?', 'de'],
    ['Comment est-ce que le crawler fonctionne ?', 'fr'],
    ['Сколько лет Москве?', 'ru'],
    ['crawl robots.txt', undefined],
    ['Citebox Ollama setup', undefined],
  ])('%s → %s', (question, lang) => {
    expect(questionLanguage(question)).toBe(lang);
  });
});

describe('wrongLanguage', () => {
  const english =
    'The Great Wall of China is about 21,196 kilometres long and it was built over many centuries by several dynasties.';
  it.each([
    ['zh', english, 'en'],
    ['zh', '长城总长度约为21196千米，由多个朝代修建，其中明朝修建的部分最为著名。', undefined],
    [
      'zh',
      '用 `npx citebox crawl https://example.com/` 命令抓取网站，数据保存在 CITEBOX_DATA_DIR 目录中。',
      undefined,
    ],
    ['en', english, undefined],
    ['en', '长城总长度约为21196千米，由多个朝代修建，其中明朝修建的部分最为著名。', 'zh'],
    ['de', english, 'en'],
    [
      'de',
      'Die Chinesische Mauer ist etwa 21.196 Kilometer lang und wurde über viele Jahrhunderte gebaut.',
      undefined,
    ],
    ['en', 'The wall is long', undefined], // too early to tell
    [undefined, english, undefined],
  ])('expected %s: %s → %s', (expected, answer, got) => {
    expect(wrongLanguage(expected, answer)).toBe(got);
  });
});
