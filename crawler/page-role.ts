// What a page is for, from its structure: content, a hub (mostly links, with a little prose), an
// index or glossary listing (alphabetical entries that are links), a table of contents (lists of
// links to the parts of a document), or a search page. Only content is indexed whole: a hub keeps
// its prose when it has enough to be worth a passage; indexes, tables of contents and search pages
// are not indexed. Their links are followed all the same. Pure.
import type { PageRole } from '../services/core.js';
import type { BlockCounts } from './content-blocks.js';

export interface RoleInput {
  readonly url: string;
  readonly title: string;
  readonly counts: BlockCounts;
  /** Words of kept prose (paragraphs, definitions, table cells), outside links. */
  readonly proseWords: number;
  /** The page has a search form (a text input named q, query, search, s). */
  readonly hasSearchForm: boolean;
}

/** Least prose (words outside links) for a hub page to be indexed for it. */
export const HUB_MIN_PROSE_WORDS = 40;

// "index.html" is a folder's default page, not an index: only named indexes count.
const INDEX_NAME =
  /genindex|modindex|glossary|\ba-z\b|alphabetical|sitemap|all-?(functions|classes|items|modules)|(^|\/)(idx|ix\d+|index-[a-z0-9]+)(\.html?)?$/i;
const INDEX_TITLE =
  /^(index|general index|glossary|alphabetical index|index of|module index|python module index|all items|all classes|sitemap)\b|\bindex$/i;
const TOC_NAME = /(^|[/_\-.\s])(toc|contents|table-of-contents)(\.html?)?$/i;
const TOC_TITLE = /^(table of contents|contents|toc)\b|\bcontents$/i;
const SEARCH_NAME = /(^|[/_\-.])search(\.html?)?$/i;
const SEARCH_TITLE = /^search\b|\bsearch$/i;

export function pageRole(input: RoleInput): PageRole {
  const { counts } = input;
  let path = '';
  try {
    path = new URL(input.url).pathname;
  } catch {
    path = input.url;
  }
  const title = input.title.trim();
  const total = counts.keptChars + counts.linkListChars;
  const linkChars = counts.keptLinkChars + counts.linkListChars;
  const linkShare = total === 0 ? 0 : linkChars / total;
  const listShare = total === 0 ? 0 : counts.linkListChars / total;
  const prose = input.proseWords;

  if ((SEARCH_NAME.test(path) || SEARCH_TITLE.test(title)) && input.hasSearchForm && prose < 100)
    return 'search';
  // A listing of many entries that are links: an index, when its name says so or it says nothing else.
  if (counts.linkListItems >= 20 || linkShare >= 0.6) {
    if ((INDEX_NAME.test(path) || INDEX_TITLE.test(title)) && (listShare >= 0.4 || linkShare >= 0.5))
      return 'index';
    if ((TOC_NAME.test(path) || TOC_TITLE.test(title)) && (listShare >= 0.4 || linkShare >= 0.5))
      return 'toc';
  }
  // A register of entries named by opaque codes (a requirements matrix, a list of hashes) points at
  // the pages that say things, quoting them: an index.
  if ((counts.terms ?? 0) >= 20 && (counts.opaqueTerms ?? 0) >= (counts.terms ?? 0) * 0.6) return 'index';
  if (linkShare >= 0.5 && prose < 300) return 'hub';
  if (total > 0 && listShare >= 0.7) return 'hub';
  return 'content';
}

/** Whether a page of this role is indexed (a hub only with enough prose of its own). */
export function indexableRole(role: PageRole, proseWords: number): boolean {
  if (role === 'content') return true;
  if (role === 'hub') return proseWords >= HUB_MIN_PROSE_WORDS;
  return false;
}
