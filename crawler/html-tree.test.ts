import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { type DomDocument, type DomElement, type DomNode, ELEMENT_NODE, TEXT_NODE } from './dom.js';
import { parseHtmlTree } from './html-tree.js';

// The tree must be the one linkedom (which extraction used before) builds from the same HTML:
// extraction's output depends on where text nodes split, which element a stray closing tag closes,
// what `class` reads as. linkedom is a dev dependency for this comparison only.
const linkedomDocument = (html: string) => parseHTML(html).document as unknown as DomDocument;

function attributeNames(el: DomElement): string[] {
  const names = (el as unknown as { getAttributeNames?: () => string[] }).getAttributeNames?.();
  return names ? [...names] : Object.keys((el as unknown as { attribs: Record<string, string> }).attribs);
}

/** A tree as nested arrays: [TAG, attributes as read back, children] or a text node's data. */
function shape(node: DomNode, depth = 0): unknown {
  if (node.nodeType === TEXT_NODE) return node.textContent;
  const kids: unknown[] = [];
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === TEXT_NODE || child.nodeType === ELEMENT_NODE) kids.push(shape(child, depth + 1));
  }
  if (node.nodeType !== ELEMENT_NODE) return kids;
  const el = node as DomElement;
  const attrs: Record<string, string | null> = { class: el.getAttribute('class') };
  for (const name of attributeNames(el)) attrs[name] = el.getAttribute(name);
  return [el.tagName, attrs, kids];
}

/** Every element in document order, to name selector results by position. */
function elementsOf(node: DomNode, out: DomNode[] = []): DomNode[] {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType !== ELEMENT_NODE) continue;
    out.push(child);
    elementsOf(child, out);
  }
  return out;
}

const CASES: Array<[string, string]> = [
  ['entities split text', '<html><body><p>a &amp; b&nbsp;c &lt;d&gt; &#x41;&copy</p></body></html>'],
  ['implied closes', '<html><body><p>one<p>two<ul><li>a<li>b</ul><dl><dt>t<dd>d<dt>u</dl></body></html>'],
  ['stray closing tags', '<html><body><div><span>x</div></span></p><b>y</i>z</b></br></body></html>'],
  ['void elements', '<html><body><p>a<br>b<img src=x alt="y">c<hr><input name=q></p></body></html>'],
  [
    'raw text',
    '<html><head><title>A &amp; <b>B</b></title><style>p>a{}</style></head><body><script>if (a<b) x="</p>";</script><textarea><p>t</textarea></body></html>',
  ],
  [
    'svg and math',
    '<html><body><svg viewBox="0 0 1 1"><path d="M0"/><title>t</title><foreignObject><p>in</p></foreignObject></svg><math><mi>x</mi></math></body></html>',
  ],
  ['template', '<html><body><template><h2 id="t">in template</h2></template><h2>out</h2></body></html>'],
  [
    'class tokens',
    '<html><body><div class="  a  b a\tc\n"><span class="">x</span><i CLASS="up">y</i></div></body></html>',
  ],
  [
    'attribute case and repeats',
    '<html><body><a HREF="/x" href="/y" id=1 id=2 data-X="z">l</a></body></html>',
  ],
  [
    'comments, cdata, doctype',
    '<!doctype html><!-- c --><html><body>a<!-- b -->c<![CDATA[d]]>e<?pi x?></body></html>',
  ],
  ['no head', '<html><body><p>x</p></body></html>'],
  ['no body', '<html><head><title>t</title></head><div>stray</div>text<p>more</p></html>'],
  ['title before body, no head', '<html><title>t</title><body><p>lost</p></body></html>'],
  ['content after </html>', '<html><head></head><body><p>in</p></body></html><p>after</p><a href="/z">z</a>'],
  ['no root element', 'just text'],
  ['whitespace', '<html>\n <head>\n </head>\n <body>\n  <p> a </p>\n </body>\n</html>\n'],
  [
    'tables',
    '<html><body><table><tr><td>a<td>b<tr><th>c</table><table><tbody><tr><td>d</td></tr></tbody></table></body></html>',
  ],
  ['unclosed', '<html><body><div><p><b>bold<i>both'],
];

describe('parseHtmlTree', () => {
  it.each(CASES)('builds the tree linkedom built: %s', (_name, html) => {
    const mine = parseHtmlTree(html);
    const theirs = linkedomDocument(html);
    expect(shape(mine as unknown as DomNode)).toEqual(shape(theirs as unknown as DomNode));
    // `document.body` creates a missing <head>/<body> the same way.
    if (theirs.documentElement) {
      expect(shape(mine.body as DomNode)).toEqual(shape(theirs.body as DomNode));
      expect(shape(mine as unknown as DomNode)).toEqual(shape(theirs as unknown as DomNode));
    } else {
      expect(mine.documentElement).toBeNull();
    }
  });

  const SELECTORS = ['h1, h2, h3, pre, table, dl', 'main, [role=main]', 'code', '[id]'];
  const PAGE =
    '<html><body><div id="a"><template><main id="t">hidden</main><pre><code>t</code></pre></template>' +
    '<section role="Main"><h2 id="b">x <code id="c">y</code></h2></section><div role="main"><pre><code class="language-js">z</code></pre>' +
    '<table><tr><td>1</td></tr></table></div><main><dl><dt id="d">t</dt></dl></main></div></body></html>';

  it.each(SELECTORS)('finds what the selector %s found, in document order', (selector) => {
    const mine = parseHtmlTree(PAGE);
    const theirs = linkedomDocument(PAGE);
    const mineAll = elementsOf(mine as unknown as DomNode);
    const theirsAll = elementsOf(theirs as unknown as DomNode);
    const root = (doc: DomDocument) => doc.getElementsByTagName('div')[0] as DomElement;
    const positions = (found: ArrayLike<DomElement>, all: DomNode[]) =>
      Array.from(found).map((el) => all.indexOf(el));
    expect(positions(root(mine).querySelectorAll(selector), mineAll)).toEqual(
      positions(root(theirs).querySelectorAll(selector), theirsAll),
    );
    const one = root(mine).querySelector(selector);
    const theirOne = root(theirs).querySelector(selector);
    expect(one ? mineAll.indexOf(one) : -1).toEqual(theirOne ? theirsAll.indexOf(theirOne) : -1);
  });

  it('reads tags, text and attributes', () => {
    const doc = parseHtmlTree('<html lang="en"><body><P Class="x  y">a <B>b</B>&amp;c</P></body></html>');
    const p = doc.getElementsByTagName('p')[0] as DomElement;
    expect(p.tagName).toBe('P');
    expect(p.textContent).toBe('a b&c');
    expect(p.getAttribute('class')).toBe('');
    expect(p.getAttribute('Class')).toBe('x  y');
    expect(p.getAttribute('missing')).toBeNull();
    expect(doc.documentElement?.getAttribute('lang')).toBe('en');
    expect(Array.from(p.children).map((c) => c.tagName)).toEqual(['B']);
  });

  it('removes and moves nodes', () => {
    const doc = parseHtmlTree('<html><body><div><p>a</p><p>b</p></div><section></section></body></html>');
    const [first, second] = Array.from(doc.getElementsByTagName('p'));
    const section = doc.getElementsByTagName('section')[0] as DomElement;
    first?.remove();
    expect(first?.parentNode).toBeNull();
    section.appendChild(second as DomNode);
    expect(doc.body?.textContent).toBe('b');
    expect(Array.from(doc.getElementsByTagName('div')[0]?.childNodes ?? [])).toEqual([]);
    expect(second?.parentNode).toBe(section);
  });

  it('reads text thousands of elements deep without recursion', () => {
    const depth = 20_000;
    const doc = parseHtmlTree(
      `<html><body>${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}</body></html>`,
    );
    expect(doc.body?.textContent).toBe('deep');
    expect(doc.getElementsByTagName('div')).toHaveLength(depth);
  });

  it('throws on a selector it does not implement', () => {
    const doc = parseHtmlTree('<html><body><p>x</p></body></html>');
    expect(() => doc.querySelector('div > p')).toThrow(/unsupported selector/);
    expect(() => doc.querySelector('p.x')).toThrow(/unsupported selector/);
  });
});
