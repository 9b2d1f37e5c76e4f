// The tree extraction reads a page from: htmlparser2's events built straight into plain objects
// (an element: its tag, the parser's attribute object, an array of children). It implements only
// the DOM that extraction uses (dom.ts) and builds the same tree linkedom built from the same
// parser's events, which the crawler used before: a text node per text event (an entity is an
// event of its own), elements closed where the parser closes them, attribute names as written,
// `class` read as its deduplicated tokens. Comments and processing instructions are not kept:
// nothing reads them. linkedom gave every node a linked list, an event target and a WeakMap entry;
// on documentation pages building and collecting those was half of a page's extraction time.
import { Parser } from 'htmlparser2';
import { type DomDocument, type DomElement, type DomNode, ELEMENT_NODE, TEXT_NODE } from './dom.js';

export const DOCUMENT_NODE = 9;

type Parent = HtmlElement | HtmlDocument;
type Child = HtmlElement | HtmlText;

const NO_CHILDREN: readonly Child[] = Object.freeze([]);

export class HtmlText implements DomNode {
  readonly nodeType = TEXT_NODE;
  parentNode: Parent | null;
  readonly data: string;
  constructor(data: string, parent: Parent | null) {
    this.data = data;
    this.parentNode = parent;
  }
  get textContent(): string {
    return this.data;
  }
  get childNodes(): readonly Child[] {
    return NO_CHILDREN;
  }
}

/** Upper-case tag names, shared between pages (bounded: a page may invent names). */
const UPPER = new Map<string, string>();
function upper(name: string): string {
  let tag = UPPER.get(name);
  if (tag === undefined) {
    tag = name.toUpperCase();
    if (UPPER.size < 4096) UPPER.set(name, tag);
  }
  return tag;
}

/** `class` as a token list reads it back: split on white space, empty and repeated tokens out. */
function classTokens(value: string): string {
  if (!/\s/.test(value)) return value;
  return [...new Set(value.split(/\s+/).filter(Boolean))].join(' ');
}

/** Concatenated text of a subtree, without recursion (pages nest thousands deep). */
function textOf(node: Parent): string {
  let out = '';
  // A stack of child lists and of the position reached in each.
  const lists: Array<readonly Child[]> = [node.childNodes];
  const positions: number[] = [0];
  while (lists.length > 0) {
    const top = lists.length - 1;
    const nodes = lists[top] as readonly Child[];
    const i = positions[top] as number;
    if (i >= nodes.length) {
      lists.pop();
      positions.pop();
      continue;
    }
    positions[top] = i + 1;
    const child = nodes[i] as Child;
    if (child.nodeType === TEXT_NODE) out += child.data;
    else if (child.childNodes.length > 0) {
      lists.push(child.childNodes);
      positions.push(0);
    }
  }
  return out;
}

/**
 * Elements under `node` in document order that pass `test`. `intoTemplates: false` skips what a
 * <template> holds, as selector queries did (getElementsByTagName never did).
 */
function descendants(
  node: Parent,
  test: (el: HtmlElement) => boolean,
  first: boolean,
  intoTemplates: boolean,
): HtmlElement[] {
  const out: HtmlElement[] = [];
  const lists: Array<readonly Child[]> = [node.childNodes];
  const positions: number[] = [0];
  while (lists.length > 0) {
    const top = lists.length - 1;
    const nodes = lists[top] as readonly Child[];
    const i = positions[top] as number;
    if (i >= nodes.length) {
      lists.pop();
      positions.pop();
      continue;
    }
    positions[top] = i + 1;
    const child = nodes[i] as Child;
    if (child.nodeType !== ELEMENT_NODE) continue;
    if (test(child)) {
      out.push(child);
      if (first) return out;
    }
    if (child.childNodes.length > 0 && (intoTemplates || child.localName !== 'template')) {
      lists.push(child.childNodes);
      positions.push(0);
    }
  }
  return out;
}

/**
 * The elements of each of `tags` (lower case) under `node`, in document order, as
 * getElementsByTagName finds them: one walk for all of them.
 */
export function elementsByTag(node: Parent, tags: readonly string[]): Map<string, HtmlElement[]> {
  const found = new Map<string, HtmlElement[]>(tags.map((tag) => [tag, []]));
  descendants(
    node,
    (el) => {
      found.get(el.localName)?.push(el);
      return false;
    },
    false,
    true,
  );
  return found;
}

const SELECTOR_PART = /^(?:([a-z][a-z0-9-]*)|\[([a-z][a-z0-9-]*)(?:=([a-z0-9_-]+|"[^"]*"))?\])$/i;
const compiled = new Map<string, (el: HtmlElement) => boolean>();

/**
 * The selectors extraction asks for: a comma-separated list of tag names, `[attr]` and
 * `[attr=value]` (value compared exactly, as CSS does for attributes such as `role`). Anything
 * else is a programming error and throws.
 */
function selectorTest(selector: string): (el: HtmlElement) => boolean {
  let test = compiled.get(selector);
  if (test) return test;
  const tags = new Set<string>();
  const attrs: Array<{ name: string; value: string | undefined }> = [];
  for (const raw of selector.split(',')) {
    const m = SELECTOR_PART.exec(raw.trim());
    if (!m) throw new Error(`html-tree: unsupported selector "${selector}"`);
    if (m[1]) tags.add(m[1].toLowerCase());
    else if (m[2]) attrs.push({ name: m[2].toLowerCase(), value: m[3]?.replace(/^"|"$/g, '') });
  }
  test = (el) => {
    if (tags.has(el.localName)) return true;
    for (const { name, value } of attrs) {
      const v = el.getAttribute(name);
      if (value === undefined ? el.hasAttribute(name) : v === value) return true;
    }
    return false;
  };
  compiled.set(selector, test);
  return test;
}

function detach(node: Child): void {
  const parent = node.parentNode;
  if (!parent) return;
  const i = parent.childNodes.lastIndexOf(node);
  if (i >= 0) parent.childNodes.splice(i, 1);
  node.parentNode = null;
}

export class HtmlElement implements DomElement {
  readonly nodeType = ELEMENT_NODE;
  /** Lower case, as the parser gives it. */
  readonly localName: string;
  readonly tagName: string;
  readonly attribs: Record<string, string>;
  readonly childNodes: Child[] = [];
  parentNode: Parent | null;
  constructor(name: string, attribs: Record<string, string>, parent: Parent | null) {
    this.localName = name;
    this.tagName = upper(name);
    this.attribs = attribs;
    this.parentNode = parent;
  }
  get textContent(): string {
    return textOf(this);
  }
  get children(): HtmlElement[] {
    const out: HtmlElement[] = [];
    for (const child of this.childNodes) if (child.nodeType === ELEMENT_NODE) out.push(child);
    return out;
  }
  /** Attribute names are matched as written (the parser keeps their case). */
  getAttribute(name: string): string | null {
    const attribs = this.attribs;
    if (name === 'class')
      return Object.hasOwn(attribs, 'class') ? classTokens(attribs['class'] as string) : '';
    return Object.hasOwn(attribs, name) ? (attribs[name] as string) : null;
  }
  hasAttribute(name: string): boolean {
    return Object.hasOwn(this.attribs, name);
  }
  getElementsByTagName(tag: string): HtmlElement[] {
    return descendants(this, (el) => el.localName === tag || el.tagName === tag, false, true);
  }
  querySelector(selector: string): HtmlElement | null {
    return descendants(this, selectorTest(selector), true, false)[0] ?? null;
  }
  querySelectorAll(selector: string): HtmlElement[] {
    return descendants(this, selectorTest(selector), false, false);
  }
  remove(): void {
    detach(this);
  }
  appendChild(node: DomNode): DomNode {
    const child = node as Child;
    detach(child);
    child.parentNode = this;
    this.childNodes.push(child);
    return node;
  }
  get firstElementChild(): HtmlElement | null {
    for (const child of this.childNodes) if (child.nodeType === ELEMENT_NODE) return child;
    return null;
  }
  get nextElementSibling(): HtmlElement | null {
    const siblings = this.parentNode?.childNodes ?? NO_CHILDREN;
    for (let i = siblings.indexOf(this) + 1; i > 0 && i < siblings.length; i++) {
      const sibling = siblings[i] as Child;
      if (sibling.nodeType === ELEMENT_NODE) return sibling;
    }
    return null;
  }
  /** Inserts `node` as this element's first child. */
  prepend(node: Child): void {
    detach(node);
    node.parentNode = this;
    this.childNodes.unshift(node);
  }
  /** Inserts `node` right after this element in its parent. */
  after(node: Child): void {
    const parent = this.parentNode;
    if (!parent) return;
    detach(node);
    node.parentNode = parent;
    parent.childNodes.splice(parent.childNodes.indexOf(this) + 1, 0, node);
  }
}

export class HtmlDocument implements DomDocument {
  readonly nodeType = DOCUMENT_NODE;
  readonly childNodes: Child[] = [];
  readonly parentNode = null;
  get textContent(): null {
    return null;
  }
  /** The first element at the top (the parser implies no <html>). */
  get documentElement(): HtmlElement | null {
    for (const child of this.childNodes) if (child.nodeType === ELEMENT_NODE) return child;
    return null;
  }
  /**
   * The <body> after the root's first child <head>; both are created there when missing (the
   * DOM's `document.body` as linkedom implemented it).
   */
  get body(): HtmlElement | null {
    const root = this.documentElement;
    if (!root) return null;
    let head = root.firstElementChild;
    if (head?.tagName !== 'HEAD') {
      head = this.createElement('head');
      root.prepend(head);
    }
    let body = head.nextElementSibling;
    if (body?.tagName !== 'BODY') {
      body = this.createElement('body');
      head.after(body);
    }
    return body;
  }
  createElement(tag: string): HtmlElement {
    return new HtmlElement(tag.toLowerCase(), {}, null);
  }
  getElementsByTagName(tag: string): HtmlElement[] {
    return descendants(this, (el) => el.localName === tag || el.tagName === tag, false, true);
  }
  querySelector(selector: string): HtmlElement | null {
    return descendants(this, selectorTest(selector), true, false)[0] ?? null;
  }
  querySelectorAll(selector: string): HtmlElement[] {
    return descendants(this, selectorTest(selector), false, false);
  }
}

/** Parses HTML into a tree (no implied <html>, <head> or <body>: see extract.ts). */
export function parseHtmlTree(html: string): HtmlDocument {
  const document = new HtmlDocument();
  let node: Parent = document;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const el: HtmlElement = new HtmlElement(name, attribs, node);
        node.childNodes.push(el);
        node = el;
      },
      onclosetag() {
        node = node.parentNode ?? document;
      },
      ontext(text) {
        node.childNodes.push(new HtmlText(text, node));
      },
    },
    { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false },
  );
  parser.write(html);
  parser.end();
  return document;
}
