// Browser side of vdom.ts: element trees become DOM nodes through createElement, setAttribute
// and text nodes. Never innerHTML: text from pages and the LLM can only ever become text.
import { type Child, safeHref, type VElement, type VNode } from './vdom.js';

export function toDom(node: VNode): Node {
  if (typeof node === 'string') return document.createTextNode(node);
  return elementToDom(node);
}

function elementToDom(node: VElement): HTMLElement {
  const el = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value === null || value === undefined || value === false) continue;
    // h() already checked names and links; checked again because this is the last door.
    if (/^on/i.test(name)) continue;
    if (name === 'href') {
      const href = safeHref(String(value));
      if (href !== undefined) el.setAttribute('href', href);
      continue;
    }
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of node.children) el.appendChild(toDom(child));
  return el;
}

/** Builds the nodes of a child list (arrays flattened, empty values skipped). */
export function toFragment(children: Child): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const add = (c: Child): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) for (const x of c as readonly Child[]) add(x);
    else fragment.appendChild(toDom(c as VNode));
  };
  add(children);
  return fragment;
}

/** Replaces an element's children with the given tree. */
export function mount(target: Element, children: Child): void {
  target.replaceChildren(toFragment(children));
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}
