// Which methods a path is served with, from the app's route templates, so that a request for a
// known path with a method it does not serve gets 405 Method Not Allowed and an `Allow` header
// (RFC 9110 15.5.6) instead of 404, and OPTIONS gets 204 with `Allow`. Matching is pure.

interface RouteTemplate {
  readonly segments: readonly string[];
  /** The template ends in `*`: it matches any rest of the path. */
  readonly rest: boolean;
  readonly methods: Set<string>;
}

function segmentsOf(path: string): string[] {
  const q = path.indexOf('?');
  const bare = q < 0 ? path : path.slice(0, q);
  // The router ignores a trailing slash.
  const trimmed = bare.length > 1 && bare.endsWith('/') ? bare.slice(0, -1) : bare;
  return trimmed.split('/').slice(1);
}

export class AllowedMethods {
  readonly #routes = new Map<string, RouteTemplate>();

  /** Records a route as the router has it (`/v1/crawls/:id`, `/assets/*`). */
  add(method: string | readonly string[], url: string): void {
    const segments = segmentsOf(url);
    const rest = segments.at(-1) === '*';
    // A catch-all for every path (CORS preflights: `OPTIONS *`) says nothing about one path.
    if (rest && segments.length === 1) return;
    const key = segments.join('/');
    let route = this.#routes.get(key);
    if (!route) {
      route = { segments: rest ? segments.slice(0, -1) : segments, rest, methods: new Set() };
      this.#routes.set(key, route);
    }
    for (const m of typeof method === 'string' ? [method] : method) route.methods.add(m.toUpperCase());
    if (route.methods.has('GET')) route.methods.add('HEAD');
  }

  /** The methods a concrete path is served with, sorted, OPTIONS included; [] for an unknown path. */
  allowed(path: string): string[] {
    const parts = segmentsOf(path);
    const methods = new Set<string>();
    for (const route of this.#routes.values()) {
      if (matches(route, parts)) for (const m of route.methods) methods.add(m);
    }
    if (methods.size === 0) return [];
    methods.add('OPTIONS');
    return [...methods].sort();
  }
}

function matches(route: RouteTemplate, parts: readonly string[]): boolean {
  const n = route.segments.length;
  if (route.rest ? parts.length < n : parts.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const want = route.segments[i] as string;
    const got = parts[i] as string;
    // `:name` (and `:name(regex)`, `:a-:b`) take any non-empty segment.
    if (want.includes(':')) {
      if (got === '') return false;
    } else if (want !== got) {
      return false;
    }
  }
  return true;
}
