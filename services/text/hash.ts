import { createHash } from 'node:crypto';

/** A short, stable hex id for a string (URLs → page ids, texts → content hashes). */
export function stableId(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
