// Indexes Citebox's own documentation (README.md and docs/*.md) when the index is empty, so the
// first question a newcomer asks gets a cited answer, offline.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Logger, type PageSink, stableId } from '../services/index.js';
import { markdownToBlocks } from './markdown.js';

export interface DocFile {
  readonly path: string;
  /** The URL the page is indexed and cited under. */
  readonly url: string;
}

/** The documentation files of a checkout: README.md, then docs/**.md, each with its URL under baseUrl. */
export function findDocFiles(rootDir: string, baseUrl: string): DocFile[] {
  const files: DocFile[] = [];
  const base = baseUrl.replace(/\/+$/, '');
  const readme = join(rootDir, 'README.md');
  if (isFile(readme)) files.push({ path: readme, url: `${base}/help/README.md` });
  const walk = (dir: string, rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return; // no docs/ folder: only the README
    }
    for (const name of entries) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`);
      else if (name.endsWith('.md')) files.push({ path: full, url: `${base}/help/docs/${rel}${name}` });
    }
  };
  walk(join(rootDir, 'docs'), '');
  return files;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export async function indexDocs(files: readonly DocFile[], sink: PageSink, logger: Logger): Promise<number> {
  let pages = 0;
  for (const file of files) {
    const markdown = readFileSync(file.path, 'utf8');
    const { title, blocks } = markdownToBlocks(markdown);
    await sink.indexPage({
      url: file.url,
      title: title || basename(file.path),
      lang: 'en',
      fetchedAt: new Date().toISOString(),
      blocks,
      contentHash: stableId(markdown, 32),
    });
    pages++;
  }
  await sink.flush();
  logger.info({ pages }, 'indexed Citebox documentation');
  return pages;
}
