// A read document in the shape the crawler handles pages in (PageAnalysis), so documents go
// through the same duplicate checks, canonical and robots rules, and indexing as HTML pages.
import type { ExtractedHtml } from '../extract.js';
import type { PageAnalysis } from '../page-analysis.js';
import type { DocumentAnalysis } from './analyze.js';

export function documentPageAnalysis(doc: DocumentAnalysis): PageAnalysis {
  const page: ExtractedHtml = {
    title: doc.title,
    description: undefined,
    lang: doc.lang,
    canonical: undefined,
    publishedAt: doc.publishedAt,
    author: doc.author,
    siteName: undefined,
    openGraph: {},
    headings: doc.headings,
    // A document's own robots rules come from X-Robots-Tag, which the crawler reads for every answer.
    noindex: false,
    nofollow: false,
    blocks: doc.blocks,
    links: [],
    role: 'content',
    indexable: true,
  };
  return {
    page,
    textLength: doc.text.length,
    contentHash: doc.contentHash,
    simhash: doc.simhash,
    charset: 'binary',
  };
}
