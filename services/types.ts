// Domain types shared by the crawler, the indexer, the search backends, the answer pipeline and
// the API. The crawler produces ExtractedPage; the indexer turns it into a PageRecord and
// PassageRecords; backends return SearchHits; the answer pipeline returns an AnswerResponse
// (the public v1 shape, snake_case on purpose).

/**
 * One block of a page's main content, in reading order. `anchor` is the id of the place in the page
 * where the block starts (a heading's id, a term's id, an `<a name>` before it), when it has one:
 * citations link to it.
 */
export type ContentBlock =
  | {
      readonly type: 'heading';
      readonly level: number;
      readonly text: string;
      readonly anchor?: string | undefined;
    }
  | { readonly type: 'text'; readonly text: string; readonly anchor?: string | undefined }
  | { readonly type: 'list'; readonly items: readonly string[]; readonly anchor?: string | undefined }
  /** Verbatim code (a `<pre>` block); `lang` from the page's markup when it names one. */
  | {
      readonly type: 'code';
      readonly text: string;
      readonly lang?: string | undefined;
      readonly anchor?: string | undefined;
    }
  /**
   * One entry of a definition list (an option, a setting, a function): its term(s) and its
   * description as text (paragraphs separated by blank lines, code fenced). `context` holds the
   * terms of the entries it is nested in (a method inside its class).
   */
  | {
      readonly type: 'term';
      readonly term: string;
      readonly text: string;
      readonly context?: readonly string[] | undefined;
      readonly anchor?: string | undefined;
    }
  /** A data table: column headers (empty when the table has none), rows of cells, caption. */
  | {
      readonly type: 'table';
      readonly headers: readonly string[];
      readonly rows: ReadonlyArray<readonly string[]>;
      readonly caption?: string | undefined;
      readonly anchor?: string | undefined;
    }
  /** A thematic break (`<hr>`): what follows starts a new passage. */
  | { readonly type: 'break' };

/** What a page is for, from its structure: only content pages are indexed whole. */
export type PageRole = 'content' | 'hub' | 'index' | 'toc' | 'search';

/** The structure of a passage: prose (may hold fenced code), a definition-list entry, table rows. */
export type PassageKind = 'text' | 'term' | 'table';

/** A document read besides HTML pages. */
export type DocumentType = 'pdf' | 'docx' | 'pptx' | 'odt' | 'odp' | 'text' | 'markdown';

/** A content block with the page (PDF page, slide) it is on, 1-based, in paged documents. */
export type PagedBlock = ContentBlock & { readonly page?: number | undefined };

/** One passage of a page as the indexer's chunker cuts it. */
export interface PageChunk {
  readonly headings: readonly string[];
  readonly text: string;
  readonly wordCount: number;
  /** Prose (text), one definition-list entry (term), or table rows (table). */
  readonly kind: PassageKind;
  /** Id of the place in the page where the passage starts. */
  readonly anchor?: string | undefined;
  /** The page (1-based) of a paged document the passage is on; undefined for documents without pages. */
  readonly page?: number | undefined;
}

/**
 * A page's passages cut ahead of indexing with the indexer's default options (the crawler does it
 * on its page thread, beside the extraction, so the main thread does not).
 */
export interface PrecutPassages {
  readonly chunks: readonly PageChunk[];
  /**
   * The language detected from the passages' text (null: none detected); undefined when it was not
   * needed (the page's markup named a language).
   */
  readonly detectedLang?: string | null | undefined;
}

/** What the crawler hands to the indexer for one fetched page. */
export interface ExtractedPage {
  /** The URL the page is indexed under (the canonical one when it is in scope). */
  readonly url: string;
  /** Other URLs that served the same page (redirect sources, non-canonical variants). */
  readonly aliases?: readonly string[];
  readonly title: string;
  readonly description?: string | undefined;
  readonly lang?: string | undefined;
  readonly publishedAt?: string | undefined;
  readonly fetchedAt: string;
  /** The main content (empty when `passages` holds it already cut and the sink takes those). */
  readonly blocks: readonly PagedBlock[];
  /** The blocks cut into passages with the indexer's default options, when done ahead. */
  readonly passages?: PrecutPassages | undefined;
  /** Hash of the main text, for duplicate detection and change detection. */
  readonly contentHash: string;
  /** Headings of the main content, in order. */
  readonly headings?: readonly string[] | undefined;
  /** The page's rel=canonical URL, when it named one in scope. */
  readonly canonicalUrl?: string | undefined;
  readonly siteName?: string | undefined;
  readonly author?: string | undefined;
  /** Open Graph properties without the `og:` prefix (title, type, image, …). */
  readonly openGraph?: Readonly<Record<string, string>> | undefined;
  /** Set for a document (PDF, Office, text) rather than an HTML page. */
  readonly docType?: DocumentType | undefined;
  /** What the page is for (content unless its structure says otherwise). */
  readonly role?: PageRole | undefined;
}

/** A page as the index stores it. */
export interface PageRecord {
  readonly id: string;
  readonly url: string;
  readonly host: string;
  readonly title: string;
  readonly description?: string | undefined;
  readonly lang?: string | undefined;
  readonly publishedAt?: string | undefined;
  readonly fetchedAt: string;
  readonly contentHash: string;
}

/** A passage: the unit of retrieval and citation. */
export interface PassageRecord {
  /** `<pageId>-<position>`; stable as long as the page's content is. */
  readonly id: string;
  readonly pageId: string;
  readonly url: string;
  readonly host: string;
  readonly title: string;
  /** Headings above this passage, outermost first. */
  readonly headings: readonly string[];
  readonly text: string;
  /** 0-based order within the page. */
  readonly position: number;
  readonly lang?: string | undefined;
  readonly publishedAt?: string | undefined;
  readonly wordCount: number;
  /** Its structure (text when absent). */
  readonly kind?: PassageKind | undefined;
  /** Id of the place in the page where it starts (a heading's or a term's), for citation links. */
  readonly anchor?: string | undefined;
  /** Optional embedding, when dense retrieval is configured. */
  readonly vector?: readonly number[] | undefined;
}

export interface SearchFilters {
  /** Hosts (`example.com`) whose pages may be returned; subdomains included. */
  readonly sites?: readonly string[] | undefined;
  readonly lang?: string | undefined;
  /** ISO date: only pages published (or fetched, when the date is unknown) since then. */
  readonly since?: string | undefined;
}

export interface SearchQuery extends SearchFilters {
  readonly text: string;
  readonly limit: number;
  /** At most this many passages of one page in the results (diversity). */
  readonly maxPerPage?: number | undefined;
  /** Query embedding for vector retrieval (optional). */
  readonly vector?: readonly number[] | undefined;
}

/** A nearest-neighbour query over passage embeddings (hybrid retrieval). */
export interface VectorSearchQuery extends SearchFilters {
  readonly vector: readonly number[];
  readonly limit: number;
  readonly maxPerPage?: number | undefined;
}

export interface SearchHit {
  readonly passage: PassageRecord;
  /** Higher is better; comparable only within one result list. */
  readonly score: number;
  /** A short plain-text excerpt around the matched terms. */
  readonly snippet: string;
}

export interface SiteStats {
  readonly host: string;
  readonly pages: number;
  readonly passages: number;
}

export interface IndexStats {
  readonly backend: string;
  readonly pages: number;
  readonly passages: number;
  readonly sites: readonly SiteStats[];
  /** Increases with every write; keys caches so that new crawls invalidate them. */
  readonly generation: number;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly reason?: string | undefined;
}

/** The indexer's side of the meeting point between crawler and indexer. */
export interface PageSink {
  /**
   * The sink indexes a page's `passages` when it has them and needs no `blocks` beside them (the
   * Indexer with the default chunking): the crawler then cuts pages on its page thread and does not
   * copy their blocks back.
   */
  readonly takesPassages?: boolean;
  /** Index (or re-index, replacing its passages) one page. */
  indexPage(page: ExtractedPage): Promise<{ readonly passages: number }>;
  /**
   * Index several pages in one write (optional; the crawler batches pages through it when it is
   * there). One result per page, in order; a page that could not be written has `error`.
   */
  indexPages?(
    pages: readonly ExtractedPage[],
  ): Promise<ReadonlyArray<{ readonly passages: number; readonly error?: string | undefined }>>;
  /** Remove a page (gone, noindex, redirected away). Returns whether it was indexed. */
  deletePage(url: string): Promise<boolean>;
  /** Make written pages visible to search (a no-op for engines that do it themselves). */
  flush(): Promise<void>;
}

// ---- the public answer contract (v1) ----

export type AnswerMode = 'llm' | 'extractive' | 'none';
export type RequestedMode = 'auto' | 'llm' | 'extractive';

export interface ChatMessage {
  readonly role: 'user' | 'assistant' | 'system';
  readonly content: string;
}

export interface AnswerRequest {
  readonly query: string;
  readonly top_k?: number | undefined;
  readonly filters?: SearchFilters | undefined;
  readonly mode?: RequestedMode | undefined;
  readonly messages?: readonly ChatMessage[] | undefined;
}

export interface Citation {
  readonly n: number;
  /** The page, with a fragment that lands on the cited passage (`#id` or `#:~:text=…`). */
  readonly url: string;
  readonly title: string;
  /** The passage's heading path in its page ("Variables › gc.reflogExpire"). */
  readonly section?: string | undefined;
  readonly snippet: string;
  readonly passage_id: string;
  readonly supported: boolean;
  /** For a document rather than a web page: its type (by its URL). */
  readonly doc_type?: DocumentType | undefined;
  /** The page (PDF page, slide) of a paged document the passage is on; `url` opens it there. */
  readonly page?: number | undefined;
}

export interface Source {
  readonly n: number;
  /** The page, with a fragment that lands on the passage (`#id` or `#:~:text=…`). */
  readonly url: string;
  readonly title: string;
  /** The passage's heading path in its page ("Variables › gc.reflogExpire"). */
  readonly section?: string | undefined;
  readonly snippet: string;
  readonly score: number;
  readonly published_at?: string | undefined;
  /** The headings above the passage in its page, outermost first (absent when it has none). */
  readonly headings?: readonly string[] | undefined;
  /** For a document rather than a web page: its type (by its URL). */
  readonly doc_type?: DocumentType | undefined;
  /** The page (PDF page, slide) of a paged document the passage is on; `url` opens it there. */
  readonly page?: number | undefined;
}

export interface AnswerTimings {
  readonly retrieve_ms: number;
  readonly generate_ms: number;
  readonly total_ms: number;
}

export interface AnswerResponse {
  readonly id: string;
  readonly query: string;
  readonly answer: string;
  readonly answer_mode: AnswerMode;
  readonly citations: readonly Citation[];
  readonly sources: readonly Source[];
  readonly related_questions: readonly string[];
  readonly timings: AnswerTimings;
  readonly model?: string | undefined;
}

/** Events of a streamed answer, in order: sources, delta*, citations, done (or error). */
export type AnswerEvent =
  | { readonly type: 'sources'; readonly sources: readonly Source[] }
  | { readonly type: 'delta'; readonly text: string }
  | { readonly type: 'citations'; readonly citations: readonly Citation[] }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'done'; readonly response: AnswerResponse };
