// A tiny element-tree model shared by the server and the browser. Views build trees with h();
// the server serializes them with renderToString (every text and attribute escaped), the browser
// turns them into DOM nodes with createElement / textContent (dom.ts). Only allowlisted tags and
// attributes exist, and links only to http(s), same-site paths and fragments — so whatever a
// crawled page or an LLM says can only ever become text. This file is the sanitizer.

export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface VElement {
  readonly tag: string;
  readonly attrs: Attrs;
  readonly children: readonly VNode[];
}
export type VNode = VElement | string;
export type Child = VNode | null | undefined | false | readonly Child[];

const TAGS = new Set([
  'a',
  'article',
  'blockquote',
  'br',
  'button',
  'code',
  'dd',
  'div',
  'dl',
  'dt',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'hr',
  'li',
  'mark',
  'nav',
  'ol',
  'p',
  'pre',
  'progress',
  'section',
  'small',
  'span',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'time',
  'tr',
  'ul',
]);
export const VOID_TAGS: ReadonlySet<string> = new Set(['br', 'hr']);
const ATTR_NAME =
  /^(class|id|href|rel|lang|dir|role|tabindex|hidden|title|type|value|max|datetime|start|aria-[a-z]+|data-[a-z][a-z-]*)$/;

/** A link target we are willing to emit: http(s) URLs, site-relative paths and fragments. */
export function safeHref(url: string): string | undefined {
  if (/^#[\w.:-]*$/.test(url)) return url;
  if (/^\/(?![/\\])/.test(url) && !/[\s\\]/.test(url)) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function flatten(children: readonly Child[], out: VNode[]): VNode[] {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (typeof c === 'string') {
      if (c !== '') out.push(c);
    } else if (Array.isArray(c)) flatten(c as readonly Child[], out);
    else out.push(c as VElement);
  }
  return out;
}

/** Builds an element. Unknown tags or attributes are programming errors and throw. */
export function h(tag: string, attrs: Attrs | null, ...children: Child[]): VElement {
  if (!TAGS.has(tag)) throw new Error(`vdom: tag <${tag}> is not allowed`);
  const clean: Record<string, AttrValue> = {};
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (!ATTR_NAME.test(name)) throw new Error(`vdom: attribute ${name} is not allowed`);
    if (value === null || value === undefined || value === false) continue;
    if (name === 'href') {
      const href = safeHref(String(value));
      if (href !== undefined) clean[name] = href;
      continue;
    }
    clean[name] = value;
  }
  return { tag, attrs: clean, children: VOID_TAGS.has(tag) ? [] : flatten(children, []) };
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** Serializes a tree to HTML; every text node and attribute value is escaped. */
export function renderToString(node: Child): string {
  if (node === null || node === undefined || node === false) return '';
  if (typeof node === 'string') return escapeHtml(node);
  if (Array.isArray(node)) return (node as readonly Child[]).map(renderToString).join('');
  const el = node as VElement;
  let out = `<${el.tag}`;
  for (const [name, value] of Object.entries(el.attrs)) {
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  out += '>';
  if (VOID_TAGS.has(el.tag)) return out;
  for (const child of el.children) out += renderToString(child);
  return `${out}</${el.tag}>`;
}
