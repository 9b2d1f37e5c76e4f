// A tiny HTML template helper for the page shells: every interpolated value is escaped unless it
// is already Html. Content from crawled pages or the LLM goes through the views (client/views.ts),
// whose trees are serialized by vdom.ts with the same escaping.
import { type Child, escapeHtml, renderToString } from './client/vdom.js';

export { escapeHtml };

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = string | number | boolean | null | undefined | Html | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** An element tree from the views, serialized with every text and attribute escaped. */
export function view(node: Child): Html {
  return new Html(renderToString(node));
}
