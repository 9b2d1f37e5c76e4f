// Schema of the embedded index. Passages keep their original text (for snippets, answers and
// re-ranking) and their field lengths in tokens (for BM25 length normalization); the FTS5 table is
// contentless and holds only the token streams, which keeps the file small. Its tokenizer stems
// English with Porter; marks count as token characters so words of Indic and other scripts stay
// whole, as the analyzer keeps them. contentless_delete lets a re-indexed page's old rows be
// removed (SQLite ≥ 3.43). A page's passages take the rowids page rowid × 65,536 + i, so a page's
// passages are found by range without an index of their own, and a passage by its id
// (`<page id>-<n>`) through its page. Version 3: Porter in FTS5, field
// lengths, running totals, vectors, passage rowids by page. Version 4: no index of passage ids.
// Version 5: a passage's kind (text, term, table) and anchor (the id it starts at); a version 4
// index is upgraded in place (its passages keep no kind or anchor until their pages are re-crawled).
export const SCHEMA_VERSION = 5;

/** Statements that bring an index of the previous version to this one. */
export const UPGRADE_FROM_4 = [
  'ALTER TABLE passages ADD COLUMN kind TEXT',
  'ALTER TABLE passages ADD COLUMN anchor TEXT',
  `UPDATE meta SET value = '5' WHERE key = 'schema_version'`,
];

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  lang TEXT,
  published_at TEXT,
  fetched_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  passage_count INTEGER NOT NULL DEFAULT 0,
  indexed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  page_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  headings TEXT NOT NULL,
  text TEXT NOT NULL,
  word_count INTEGER NOT NULL,
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  title TEXT NOT NULL,
  lang TEXT,
  published_at TEXT,
  title_len INTEGER NOT NULL,
  headings_len INTEGER NOT NULL,
  body_len INTEGER NOT NULL,
  kind TEXT,
  anchor TEXT
);
CREATE TABLE IF NOT EXISTS passage_vectors (
  rowid INTEGER PRIMARY KEY,
  vector BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  passages INTEGER NOT NULL,
  title_len INTEGER NOT NULL,
  headings_len INTEGER NOT NULL,
  body_len INTEGER NOT NULL
);
INSERT OR IGNORE INTO totals(id, passages, title_len, headings_len, body_len) VALUES (1, 0, 0, 0, 0);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
  title, headings, body,
  tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  content = '',
  contentless_delete = 1
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_vocab USING fts5vocab(passages_fts, 'row');
`;
