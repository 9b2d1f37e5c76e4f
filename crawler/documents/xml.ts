// Walks an XML part of a document with sax (streaming, non-validating: no DTD, no external or
// custom entities, so nothing can expand or reach out). Malformed XML ends the walk where it
// breaks; what came before is kept, as a truncated document's readable part.
import sax from 'sax';

export interface XmlHandlers {
  open?(name: string, attributes: Readonly<Record<string, string>>): void;
  close?(name: string): void;
  text?(text: string): void;
  /** Asked between chunks: true stops the walk (the reader has all it will keep). */
  done?(): boolean;
}

/** Bytes decoded and parsed at a time: a large part is never one string in memory. */
const CHUNK_BYTES = 256 * 1024;

/** Walks `xml` (text, or UTF-8 bytes read in chunks); false when it was malformed and stopped early. */
export function walkXml(xml: string | Uint8Array, handlers: XmlHandlers): boolean {
  const parser = sax.parser(true, { trim: false, normalize: false, position: false });
  let ok = true;
  parser.onopentag = (tag) => handlers.open?.(tag.name, tag.attributes as Record<string, string>);
  parser.onclosetag = (name) => handlers.close?.(name);
  if (handlers.text) {
    const onText = handlers.text;
    parser.ontext = (t) => onText(t);
    parser.oncdata = (t) => onText(t);
  }
  parser.onerror = () => {
    ok = false;
  };
  try {
    if (typeof xml === 'string') parser.write(xml);
    else {
      const decoder = new TextDecoder();
      for (let at = 0; at < xml.length && ok && !handlers.done?.(); at += CHUNK_BYTES) {
        const end = Math.min(xml.length, at + CHUNK_BYTES);
        parser.write(decoder.decode(xml.subarray(at, end), { stream: end < xml.length }));
      }
    }
    if (ok) parser.close();
  } catch {
    ok = false;
  }
  return ok;
}

/** Collapses white space (documents' runs carry their own spacing). */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first text of an element, e.g. `dc:title` in a metadata part. */
export function elementText(xml: string | undefined, name: string): string | undefined {
  if (!xml) return undefined;
  let depth = 0;
  let found = '';
  let done = false;
  walkXml(xml, {
    open: (n) => {
      if (!done && n === name) depth++;
    },
    close: (n) => {
      if (n === name && depth > 0) {
        depth--;
        if (depth === 0) done = true;
      }
    },
    text: (t) => {
      if (depth > 0 && !done) found += t;
    },
  });
  return cleanText(found) || undefined;
}

/** An ISO date from a metadata date, or undefined. */
export function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.trim());
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}
