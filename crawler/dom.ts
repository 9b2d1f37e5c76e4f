// The few DOM shapes extraction uses (html-tree.ts implements them; lib.dom's types would bring
// browser globals into the crawler) and small helpers over them.

export interface DomNode {
  readonly nodeType: number;
  readonly childNodes: ArrayLike<DomNode>;
  readonly textContent: string | null;
  readonly parentNode: DomNode | null;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName(tag: string): ArrayLike<DomElement>;
  remove(): void;
  appendChild(node: DomNode): DomNode;
}

export interface DomDocument {
  readonly documentElement: DomElement | null;
  readonly body: DomElement | null;
  getElementsByTagName(tag: string): ArrayLike<DomElement>;
  createElement(tag: string): DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export const TEXT_NODE = 3;
export const ELEMENT_NODE = 1;

/** White space that collapsing changes: a run of two or more, or one that is not a plain space. */
const COLLAPSIBLE = /\s{2,}|[^\S ]/g;

/**
 * Text with its white space collapsed to single spaces and trimmed. (Replacing only the runs that
 * change, not every space, halves the time on documentation pages.)
 */
export function cleanText(text: string | null | undefined): string {
  return (text ?? '').trim().replace(COLLAPSIBLE, ' ');
}

const NOT_SPACE = /\S/;

/** Whether a text has anything but white space: `cleanText(text) !== ''` without building it. */
export function hasText(text: string | null | undefined): boolean {
  return text ? NOT_SPACE.test(text) : false;
}

/** Upper-case tag name (other DOMs keep XHTML names as written). */
export function tagOf(el: DomElement): string {
  return el.tagName.toUpperCase();
}

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i;

/** Hidden from readers: `hidden`, `aria-hidden=true`, or an inline style that hides it. */
export function isHidden(el: DomElement): boolean {
  if (el.hasAttribute('hidden')) return true;
  if (el.getAttribute('aria-hidden') === 'true') return true;
  const style = el.getAttribute('style');
  return style !== null && HIDDEN_STYLE.test(style);
}

/** Class names and id of an element, lower case, as one string of space-separated tokens. */
export function classAndId(el: DomElement): string {
  const cls = el.getAttribute('class') ?? '';
  const id = el.getAttribute('id') ?? '';
  return `${cls} ${id}`.toLowerCase();
}
