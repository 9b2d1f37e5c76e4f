// The admin page's script: unlock with the admin key (kept in sessionStorage for this tab, sent as
// Authorization: Bearer, never put in a URL), start crawls, watch them live by polling
// GET /v1/crawls/:id, cancel them, and list the indexed sites with their counts.
import { byId, mount, toDom } from './dom.js';
import { type Child, h, type VElement } from './vdom.js';
import { formatMs } from './views.js';

type Status = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

interface CrawlJob {
  readonly id: string;
  readonly status: Status;
  readonly seeds: readonly string[];
  readonly options?: { readonly max_pages?: number; readonly max_depth?: number };
  readonly stats: Readonly<Record<string, number>>;
  readonly error?: string | null;
  readonly created_at?: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

interface SiteRow {
  readonly host: string;
  readonly pages: number;
  readonly passages?: number;
}

const STORAGE_KEY = 'citebox.adminKey';
const POLL_MS = 1000;
const SHOWN_CRAWLS = 20;
const STAT_NAMES = ['discovered', 'fetched', 'indexed', 'skipped', 'failed', 'queued'] as const;

const keyForm = byId<HTMLFormElement>('key-form');
const keyInput = byId<HTMLInputElement>('admin-key');
const keyError = byId('key-error');
const app = byId('admin-app');
const crawlForm = byId<HTMLFormElement>('crawl-form');
const crawlError = byId('crawl-error');
const crawlList = byId('crawls');
const crawlsEmpty = byId('crawls-empty');
const sitesBox = byId('sites');

const jobs = new Map<string, CrawlJob>();
let key = '';
let pollTimer = 0;

class Unauthorized extends Error {}

function readKey(): string {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the key lives only in this page
  }
}

function storeKey(value: string): void {
  try {
    if (value) sessionStorage.setItem(STORAGE_KEY, value);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage disabled: the key lives only in this page
  }
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  headers.set('accept', 'application/json');
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) throw new Unauthorized('The admin key was not accepted.');
  return response;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON
  }
  return `The server answered ${response.status}.`;
}

function lock(message = ''): void {
  key = '';
  storeKey('');
  clearTimeout(pollTimer);
  jobs.clear();
  if (app) app.hidden = true;
  if (keyForm) keyForm.hidden = false;
  if (keyError) keyError.textContent = message;
  keyInput?.focus();
}

// ---- crawls ----

function active(job: CrawlJob): boolean {
  return job.status === 'queued' || job.status === 'running';
}

function time(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

function crawlView(job: CrawlJob): VElement {
  const max = job.options?.max_pages;
  const fetched = job.stats['fetched'] ?? 0;
  const seeds = job.seeds.join(', ');
  const elapsed =
    job.started_at && job.finished_at
      ? formatMs(new Date(job.finished_at).getTime() - new Date(job.started_at).getTime())
      : '';
  let progress: Child = null;
  if (job.status === 'queued') progress = h('progress', { 'aria-label': `Progress of ${seeds}` });
  else if (job.status === 'running' && max)
    progress = h('progress', {
      max,
      value: Math.min(fetched, max),
      'aria-label': `Progress of ${seeds}`,
    });
  return h(
    'li',
    { class: 'crawl', id: `job-${job.id}`, 'data-status': job.status },
    h(
      'div',
      { class: 'crawl-head' },
      h('span', { class: 'crawl-seeds', dir: 'ltr' }, seeds),
      h('span', { class: `status status-${job.status}` }, job.status),
    ),
    progress,
    h(
      'dl',
      { class: 'stats' },
      STAT_NAMES.filter((name) => job.stats[name] !== undefined).map((name) =>
        h('div', null, h('dt', null, name), h('dd', null, String(job.stats[name]))),
      ),
      max ? h('div', null, h('dt', null, 'max pages'), h('dd', null, String(max))) : null,
    ),
    h(
      'p',
      { class: 'hint' },
      job.started_at ? `Started ${time(job.started_at)}` : `Created ${time(job.created_at)}`,
      elapsed ? ` · took ${elapsed}` : '',
      ` · ${job.id}`,
    ),
    job.error ? h('p', { class: 'form-error' }, job.error) : null,
    active(job)
      ? h('div', null, h('button', { type: 'button', class: 'secondary', 'data-cancel': job.id }, 'Cancel'))
      : null,
  );
}

function renderCrawls(): void {
  if (!crawlList) return;
  const list = [...jobs.values()]
    .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))
    .slice(0, SHOWN_CRAWLS);
  mount(crawlList, list.map(crawlView));
  if (crawlsEmpty) crawlsEmpty.hidden = list.length > 0;
}

function updateJob(job: CrawlJob): void {
  const before = jobs.get(job.id);
  jobs.set(job.id, job);
  const item = byId(`job-${job.id}`);
  if (item) item.replaceWith(toDom(crawlView(job)));
  else renderCrawls();
  if (before && active(before) && !active(job)) void loadSites();
}

async function poll(): Promise<void> {
  clearTimeout(pollTimer);
  const running = [...jobs.values()].filter(active);
  if (running.length === 0) return;
  try {
    for (const job of running) {
      const response = await api(`/v1/crawls/${encodeURIComponent(job.id)}`);
      if (response.ok) updateJob((await response.json()) as CrawlJob);
    }
  } catch (err) {
    if (err instanceof Unauthorized) return lock(err.message);
    // A failed poll (server restarting) is retried on the next tick.
  }
  pollTimer = window.setTimeout(() => void poll(), POLL_MS);
}

async function loadCrawls(): Promise<void> {
  const response = await api('/v1/crawls');
  if (!response.ok) throw new Error(await errorMessage(response));
  const body = (await response.json()) as { crawls?: CrawlJob[] };
  jobs.clear();
  for (const job of body.crawls ?? []) jobs.set(job.id, job);
  renderCrawls();
  void poll();
}

crawlForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (crawlError) crawlError.textContent = '';
  const data = new FormData(crawlForm);
  const seeds = String(data.get('seeds') ?? '')
    .split(/\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const body: Record<string, unknown> = { seeds };
  for (const name of ['max_pages', 'max_depth']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) body[name] = Number(value);
  }
  const button = crawlForm.querySelector<HTMLButtonElement>('button[type=submit]');
  if (button) button.disabled = true;
  try {
    const response = await api('/v1/crawls', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      if (crawlError) crawlError.textContent = await errorMessage(response);
      return;
    }
    const job = (await response.json()) as CrawlJob;
    updateJob(job);
    crawlForm.reset();
    void poll();
  } catch (err) {
    if (err instanceof Unauthorized) lock(err.message);
    else if (crawlError) crawlError.textContent = err instanceof Error ? err.message : 'The request failed.';
  } finally {
    if (button) button.disabled = false;
  }
});

crawlList?.addEventListener('click', async (event) => {
  const button = (event.target as Element | null)?.closest?.('button[data-cancel]');
  if (!(button instanceof HTMLButtonElement)) return;
  const id = button.dataset['cancel'] ?? '';
  button.disabled = true;
  try {
    const response = await api(`/v1/crawls/${encodeURIComponent(id)}`, { method: 'DELETE' });
    if (response.ok) updateJob((await response.json()) as CrawlJob);
  } catch (err) {
    if (err instanceof Unauthorized) lock(err.message);
  }
});

// ---- sites ----

function sitesView(sites: readonly SiteRow[]): Child {
  if (sites.length === 0) return h('p', { class: 'muted' }, 'Nothing is indexed yet.');
  const sorted = [...sites].sort((a, b) => b.pages - a.pages || a.host.localeCompare(b.host));
  const hasPassages = sorted.some((s) => s.passages !== undefined);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'sites' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Site'),
          h('th', { class: 'num' }, 'Pages'),
          hasPassages ? h('th', { class: 'num' }, 'Passages') : null,
        ),
      ),
      h(
        'tbody',
        null,
        sorted.map((s) =>
          h(
            'tr',
            null,
            h('td', { dir: 'ltr' }, s.host),
            h('td', { class: 'num' }, s.pages.toLocaleString()),
            hasPassages ? h('td', { class: 'num' }, (s.passages ?? 0).toLocaleString()) : null,
          ),
        ),
      ),
    ),
  );
}

async function loadSites(): Promise<void> {
  if (!sitesBox) return;
  try {
    const response = await api('/v1/sites');
    if (!response.ok) {
      mount(sitesBox, h('p', { class: 'form-error' }, await errorMessage(response)));
      return;
    }
    const body = (await response.json()) as { sites?: SiteRow[] };
    mount(sitesBox, sitesView(body.sites ?? []));
  } catch (err) {
    if (err instanceof Unauthorized) lock(err.message);
    else mount(sitesBox, h('p', { class: 'form-error' }, 'Could not load the sites.'));
  }
}

// ---- unlocking ----

async function unlock(candidate: string): Promise<void> {
  key = candidate;
  try {
    await loadCrawls();
  } catch (err) {
    if (err instanceof Unauthorized) return lock(err.message);
    key = '';
    if (keyForm) keyForm.hidden = false;
    if (keyError) keyError.textContent = err instanceof Error ? err.message : 'The server did not answer.';
    return;
  }
  storeKey(candidate);
  if (keyForm) keyForm.hidden = true;
  if (keyError) keyError.textContent = '';
  if (app) app.hidden = false;
  void loadSites();
  byId('seeds')?.focus();
}

keyForm?.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = keyInput?.value.trim() ?? '';
  if (keyInput) keyInput.value = '';
  if (value) void unlock(value);
});

byId('forget-key')?.addEventListener('click', () => lock());

const saved = readKey();
if (saved) void unlock(saved);
else if (keyForm) {
  keyForm.hidden = false;
  keyInput?.focus();
}
