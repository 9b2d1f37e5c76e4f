// Documents made on the fly for tests and benchmarks: PDFs (text in the standard Helvetica font,
// metadata, optionally encrypted, scanned-looking or hostile), Word and PowerPoint files and their
// OpenDocument counterparts (real zip files with the XML parts the formats need), and bad ones:
// zip bombs, encrypted entries, truncated files. No binary fixture is checked in.
import { deflateSync, strToU8, zipSync } from 'fflate';

// ---- PDF ----

export interface PdfLine {
  readonly size: number;
  readonly text: string;
}

export interface PdfOptions {
  readonly title?: string | undefined;
  readonly author?: string | undefined;
  /** Lines per page, top to bottom. */
  readonly pages: ReadonlyArray<readonly PdfLine[]>;
  /** An /Encrypt dictionary whose user password is not empty: readers need a password. */
  readonly encrypted?: boolean;
  /** Pages carry an image and no text (a scan). */
  readonly scanned?: boolean;
  /** An object of this many nested arrays hangs off the first page. */
  readonly nestedArrays?: number;
}

function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

export function makePdf(options: PdfOptions): Buffer {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const image = options.scanned
    ? add(
        `<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream`,
      )
    : undefined;
  const nested = options.nestedArrays
    ? add(`${'['.repeat(options.nestedArrays)}${']'.repeat(options.nestedArrays)}`)
    : undefined;
  const contents = options.pages.map((lines) => {
    let stream = '';
    if (options.scanned) stream = 'q 612 0 0 792 0 0 cm /Im1 Do Q';
    else {
      let y = 740;
      for (const line of lines) {
        stream += `BT /F1 ${line.size} Tf 72 ${y} Td ${pdfString(line.text)} Tj ET\n`;
        y -= Math.round(line.size * 1.5);
      }
    }
    return add(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  const pagesId = objects.length + contents.length + 1;
  const pageIds = contents.map((c, i) =>
    add(
      `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] /Contents ${c} 0 R /Resources << /Font << /F1 ${font} 0 R >>${image ? ` /XObject << /Im1 ${image} 0 R >>` : ''} >>${nested && i === 0 ? ` /Junk ${nested} 0 R` : ''} >>`,
    ),
  );
  add(`<< /Type /Pages /Kids [${pageIds.map((i) => `${i} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
  const catalog = add(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`);
  const info = add(
    `<< ${options.title ? `/Title ${pdfString(options.title)} ` : ''}${options.author ? `/Author ${pdfString(options.author)} ` : ''}/CreationDate (D:20240315093000Z) >>`,
  );
  const encrypt = options.encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /O <${'5a'.repeat(32)}> /U <${'a5'.repeat(32)}> /P -44 >>`)
    : undefined;
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R${encrypt ? ` /Encrypt ${encrypt} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ---- zip-based formats ----

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function zip(files: Record<string, string | Uint8Array>, stored: readonly string[] = []): Buffer {
  const entries: Record<string, [Uint8Array, { level: 0 | 1 | 6 }]> = {};
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? strToU8(content) : content;
    // Large parts (a bomb's) at the fastest level: repeated text still shrinks a thousandfold.
    entries[name] = [bytes, { level: stored.includes(name) ? 0 : bytes.length > 1_000_000 ? 1 : 6 }];
  }
  return Buffer.from(zipSync(entries));
}

export type DocParagraph =
  | { readonly heading: number; readonly text: string }
  | { readonly text: string; readonly list?: boolean }
  | { readonly table: ReadonlyArray<readonly string[]> };

export interface OfficeOptions {
  readonly title?: string | undefined;
  readonly author?: string | undefined;
  readonly body: readonly DocParagraph[];
}

function coreXml(title: string | undefined, author: string | undefined): string {
  return `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${title ? `<dc:title>${xmlEscape(title)}</dc:title>` : ''}${author ? `<dc:creator>${xmlEscape(author)}</dc:creator>` : ''}<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-15T09:30:00Z</dcterms:created></cp:coreProperties>`;
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

function docxParagraph(p: DocParagraph): string {
  const run = (text: string) => `<w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r>`;
  if ('table' in p) {
    const rows = p.table.map(
      (r) => `<w:tr>${r.map((c) => `<w:tc><w:p>${run(c)}</w:p></w:tc>`).join('')}</w:tr>`,
    );
    return `<w:tbl>${rows.join('')}</w:tbl>`;
  }
  if ('heading' in p) {
    // A localized style id, as German Word writes it: the style's name says it is a heading.
    return `<w:p><w:pPr><w:pStyle w:val="berschrift${p.heading}"/></w:pPr>${run(p.text)}</w:p>`;
  }
  const list = p.list ? '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>' : '';
  // Split into two runs with a tab and deleted text between, as edited documents have.
  const half = Math.floor(p.text.length / 2);
  const cut = p.text.lastIndexOf(' ', half) > 0 ? p.text.lastIndexOf(' ', half) : half;
  return `<w:p>${list}${run(p.text.slice(0, cut))}<w:r><w:delText>removed words</w:delText></w:r>${run(p.text.slice(cut))}</w:p>`;
}

export function makeDocx(options: OfficeOptions): Buffer {
  const styles = [1, 2, 3]
    .map(
      (n) =>
        `<w:style w:type="paragraph" w:styleId="berschrift${n}"><w:name w:val="heading ${n}"/></w:style>`,
    )
    .join('');
  return zip({
    '[Content_Types].xml': `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    '_rels/.rels': `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/document.xml': `${XML_HEAD}<w:document ${W}><w:body>${options.body.map(docxParagraph).join('')}</w:body></w:document>`,
    'word/styles.xml': `${XML_HEAD}<w:styles ${W}>${styles}</w:styles>`,
    'docProps/core.xml': coreXml(options.title, options.author),
  });
}

export interface Slide {
  readonly title?: string | undefined;
  readonly bullets: readonly string[];
  readonly table?: ReadonlyArray<readonly string[]>;
}

const P_NS =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

export function makePptx(options: { title?: string; slides: readonly Slide[] }): Buffer {
  const files: Record<string, string> = {
    '[Content_Types].xml': `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    'docProps/core.xml': coreXml(options.title, undefined),
  };
  const rels: string[] = [];
  const ids: string[] = [];
  // Slide parts numbered backwards, so only presentation.xml's list gives the right order.
  options.slides.forEach((slide, i) => {
    const part = `slide${options.slides.length - i}.xml`;
    const shapes: string[] = [];
    if (slide.title)
      shapes.push(
        `<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>${xmlEscape(slide.title)}</a:t></a:r></a:p></p:txBody></p:sp>`,
      );
    shapes.push(
      `<p:sp><p:nvSpPr><p:cNvPr id="3" name="Body"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody>${slide.bullets.map((b) => `<a:p><a:r><a:t>${xmlEscape(b)}</a:t></a:r></a:p>`).join('')}</p:txBody></p:sp>`,
    );
    if (slide.table)
      shapes.push(
        `<p:graphicFrame><a:graphic><a:graphicData><a:tbl>${slide.table.map((r) => `<a:tr>${r.map((c) => `<a:tc><a:txBody><a:p><a:r><a:t>${xmlEscape(c)}</a:t></a:r></a:p></a:txBody></a:tc>`).join('')}</a:tr>`).join('')}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`,
      );
    files[`ppt/slides/${part}`] =
      `${XML_HEAD}<p:sld ${P_NS}><p:cSld><p:spTree>${shapes.join('')}</p:spTree></p:cSld></p:sld>`;
    rels.push(
      `<Relationship Id="rId${i + 10}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/${part}"/>`,
    );
    ids.push(`<p:sldId id="${256 + i}" r:id="rId${i + 10}"/>`);
  });
  files['ppt/presentation.xml'] =
    `${XML_HEAD}<p:presentation ${P_NS}><p:sldIdLst>${ids.join('')}</p:sldIdLst></p:presentation>`;
  files['ppt/_rels/presentation.xml.rels'] =
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`;
  return zip(files);
}

const ODF_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"';

function odfPackage(kind: 'text' | 'presentation', body: string, title: string | undefined): Buffer {
  return zip(
    {
      mimetype: `application/vnd.oasis.opendocument.${kind}`,
      'content.xml': `${XML_HEAD}<office:document-content ${ODF_NS}><office:body><office:${kind}>${body}</office:${kind}></office:body></office:document-content>`,
      'meta.xml': `${XML_HEAD}<office:document-meta ${ODF_NS}><office:meta>${title ? `<dc:title>${xmlEscape(title)}</dc:title>` : ''}<meta:creation-date>2024-03-15T09:30:00</meta:creation-date></office:meta></office:document-meta>`,
      'META-INF/manifest.xml': `${XML_HEAD}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>`,
    },
    ['mimetype'],
  );
}

export function makeOdt(options: OfficeOptions): Buffer {
  const body = options.body
    .map((p, i) => {
      if ('table' in p)
        return `<table:table>${p.table.map((r) => `<table:table-row>${r.map((c) => `<table:table-cell><text:p>${xmlEscape(c)}</text:p></table:table-cell>`).join('')}</table:table-row>`).join('')}</table:table>`;
      if ('heading' in p) return `<text:h text:outline-level="${p.heading}">${xmlEscape(p.text)}</text:h>`;
      // A footnote inside the paragraph: its body is not part of the text as read.
      const text = `${xmlEscape(p.text)}<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>A footnote.</text:p></text:note-body></text:note>`;
      if (!('list' in p) || !p.list) return `<text:p>${text}</text:p>`;
      // Consecutive items share one list, as writers save them.
      const prev = options.body[i - 1];
      const next = options.body[i + 1];
      const open = prev && 'list' in prev && prev.list ? '' : '<text:list>';
      const close = next && 'list' in next && next.list ? '' : '</text:list>';
      return `${open}<text:list-item><text:p>${text}</text:p></text:list-item>${close}`;
    })
    .join('');
  return odfPackage('text', body, options.title);
}

export function makeOdp(options: { title?: string; slides: readonly Slide[] }): Buffer {
  const body = options.slides
    .map((s, i) => {
      const title = s.title
        ? `<draw:frame presentation:class="title"><draw:text-box><text:p>${xmlEscape(s.title)}</text:p></draw:text-box></draw:frame>`
        : '';
      const bullets = `<draw:frame presentation:class="outline"><draw:text-box><text:list>${s.bullets.map((b) => `<text:list-item><text:p>${xmlEscape(b)}</text:p></text:list-item>`).join('')}</text:list></draw:text-box></draw:frame>`;
      const table = s.table
        ? `<draw:frame><table:table>${s.table.map((r) => `<table:table-row>${r.map((c) => `<table:table-cell><text:p>${xmlEscape(c)}</text:p></table:table-cell>`).join('')}</table:table-row>`).join('')}</table:table></draw:frame>`
        : '';
      const notes =
        '<presentation:notes><draw:frame><draw:text-box><text:p>Speaker notes are not indexed.</text:p></draw:text-box></draw:frame></presentation:notes>';
      // The body frame first, the title after it: the slide's heading still leads.
      return `<draw:page draw:name="page${i + 1}">${bullets}${title}${table}${notes}</draw:page>`;
    })
    .join('');
  return odfPackage('presentation', body, options.title);
}

// ---- hostile files ----

/** A .docx whose document.xml inflates to `megabytes` MB of one repeated paragraph (a zip bomb). */
export function makeZipBomb(megabytes: number): Buffer {
  const paragraph = strToU8(
    '<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>',
  );
  const size = megabytes * 1024 * 1024;
  const big = new Uint8Array(size);
  for (let i = 0; i + paragraph.length <= size; i += paragraph.length) big.set(paragraph, i);
  // Level 9 deflate of a repeated string: a few hundred kilobytes.
  return zip({ 'word/document.xml': big, 'word/styles.xml': `${XML_HEAD}<w:styles ${W}/>` });
}

/** A .docx whose entries are marked encrypted (as password-protected zips are). */
export function makeEncryptedZip(): Buffer {
  const bytes = makeDocx({ body: [{ text: 'Secret text.' }] });
  // General-purpose flag bit 0 in every local and central header.
  for (let i = 0; i + 4 <= bytes.length; i++) {
    const sig = bytes.readUInt32LE(i);
    if (sig === 0x04034b50) bytes.writeUInt16LE(bytes.readUInt16LE(i + 6) | 1, i + 6);
    else if (sig === 0x02014b50) bytes.writeUInt16LE(bytes.readUInt16LE(i + 8) | 1, i + 8);
  }
  return bytes;
}

/** Deflated bytes (used to check that a fixture is really compressed). */
export function deflatedSize(bytes: Uint8Array): number {
  return deflateSync(bytes).length;
}
