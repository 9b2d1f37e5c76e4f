import { describe, expect, it } from 'vitest';
import { cutPassages } from '../indexer/index.js';
import { analysisToPost, analyzePage } from './page-analysis.js';

const article = (head = '') =>
  `<html><head><title>Tides</title>${head}</head><body><main><h1>Tides</h1>${Array.from(
    { length: 12 },
    (_, i) =>
      `<p>Paragraph ${i} on the tides of the northern coast, the moon and the wind that pushes the sea inland.</p>`,
  ).join('')}</main></body></html>`;

describe('analyzePage with passages, and what a worker thread sends back', () => {
  const cases: Array<{ name: string; html: string; passages: boolean; cut: boolean; blocksBack: boolean }> = [
    { name: 'an article, passages asked for', html: article(), passages: true, cut: true, blocksBack: false },
    {
      name: 'an article, passages not asked for',
      html: article(),
      passages: false,
      cut: false,
      blocksBack: true,
    },
    {
      name: 'a noindex page',
      html: article('<meta name="robots" content="noindex">'),
      passages: true,
      cut: false,
      blocksBack: false,
    },
  ];
  for (const { name, html, passages, cut, blocksBack } of cases) {
    it(name, () => {
      const request = {
        body: Buffer.from(html),
        contentType: 'text/html',
        url: 'https://e.example/tides',
        passages,
      };
      const analysis = analyzePage(request);
      expect(analysis.page.blocks.length).toBeGreaterThan(0);
      expect(analysis.passages).toEqual(
        cut ? cutPassages(analysis.page.blocks, analysis.page.lang) : undefined,
      );
      const posted = analysisToPost(analysis);
      expect(posted.page.blocks.length > 0).toBe(blocksBack);
      expect({ ...posted, page: { ...posted.page, blocks: [] } }).toEqual({
        ...analysis,
        page: { ...analysis.page, blocks: [] },
      });
    });
  }
});
