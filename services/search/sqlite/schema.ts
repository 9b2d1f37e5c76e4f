// Schema of the embedded index. Passages keep their original text (for snippets and answers);
// the FTS5 table is contentless and holds only the analyzed token streams, which keeps the file
// small. contentless_delete lets a re-indexed page's old rows be removed (SQLite ≥ 3.43).
export const SCHEMA_VERSION = 1;

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
CREATE INDEX IF NOT EXISTS pages_host ON pages(host);
CREATE TABLE IF NOT EXISTS passages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  page_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  headings TEXT NOT NULL,
  text TEXT NOT NULL,
  word_count INTEGER NOT NULL,
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  title TEXT NOT NULL,
  lang TEXT,
  published_at TEXT
);
CREATE INDEX IF NOT EXISTS passages_page ON passages(page_id);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
  title, headings, body,
  tokenize = 'unicode61 remove_diacritics 2',
  content = '',
  contentless_delete = 1
);
`;
