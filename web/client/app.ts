// The search page's script (progressive enhancement: every page works without it). It adds the
// "/" shortcut, citation tooltips that stay on screen, jumps to sources, and takes over the
// search and follow-up forms: answers stream in over Server-Sent Events (sources first, then the
// text, then the verified citations) and follow-ups build a thread with the conversation sent as
// `messages`. All DOM is built from element trees (views.ts → dom.ts); never innerHTML.
import { byId, mount, toDom } from './dom.js';
import { SseDecoder } from './sse.js';
import { guessLang, queryTerms } from './text.js';
import { h } from './vdom.js';
import {
  type AnswerModeView,
  answerPlainText,
  answerView,
  type CitationView,
  errorView,
  modeLine,
  type ResultView,
  relatedView,
  resultItem,
  type SourceView,
  searchHref,
  sourcesList,
} from './views.js';

interface AnswerDone {
  readonly answer: string;
  readonly answer_mode: AnswerModeView;
  readonly citations: readonly CitationView[];
  readonly sources: readonly SourceView[];
  readonly related_questions?: readonly string[];
  readonly model?: string;
  readonly timings?: { readonly total_ms?: number };
}

interface ApiError {
  readonly error?: { readonly code?: string; readonly message?: string; readonly request_id?: string };
}

interface Turn {
  readonly question: string;
  answer?: string;
}

/** Earlier turns sent with a follow-up (the API takes at most 20 messages). */
const MAX_TURNS_SENT = 10;

const thread = byId('thread');
/** The script streams answers itself only where the API needs no key (see search-page.ts). */
const live = thread !== null && thread.dataset['api'] !== 'key';
const conversation: Turn[] = [];
let turnCount = 0;
let inflight: AbortController[] = [];

// ---- keyboard: "/" focuses the search box, Escape hides citation tooltips ----

function isEditable(el: Element | null): boolean {
  return (
    el instanceof HTMLInputElement ||
    el instanceof HTMLTextAreaElement ||
    el instanceof HTMLSelectElement ||
    (el instanceof HTMLElement && el.isContentEditable)
  );
}

document.addEventListener('keydown', (event) => {
  if (
    event.key === '/' &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.altKey &&
    !isEditable(event.target as Element)
  ) {
    const box = byId<HTMLInputElement>('q');
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  } else if (event.key === 'Escape') {
    document.body.classList.add('tips-off');
  }
});
const tipsOn = () => document.body.classList.remove('tips-off');
document.addEventListener('pointermove', tipsOn, { passive: true });
document.addEventListener('focusin', tipsOn);

// ---- citation tooltips stay inside the viewport ----

function placeTip(marker: HTMLElement): void {
  const tip = marker.querySelector<HTMLElement>('.cite-tip');
  if (!tip) return;
  // Measured while laid out but invisible, within one task, so nothing flashes.
  marker.style.setProperty('--tip-shift', '0px');
  marker.classList.remove('tip-below');
  marker.classList.add('tip-measure');
  const rect = tip.getBoundingClientRect();
  marker.classList.remove('tip-measure');
  const margin = 8;
  let shift = 0;
  if (rect.left < margin) shift = margin - rect.left;
  else if (rect.right > window.innerWidth - margin) shift = window.innerWidth - margin - rect.right;
  marker.style.setProperty('--tip-shift', `${Math.round(shift)}px`);
  if (rect.top < margin) marker.classList.add('tip-below');
}

for (const type of ['pointerover', 'focusin'] as const) {
  document.addEventListener(type, (event) => {
    const marker = (event.target as Element | null)?.closest?.('a.cite');
    if (marker instanceof HTMLElement) placeTip(marker);
  });
}

// ---- jumping to a source: scroll, focus the card, flash it (no history entry per click) ----

function jumpTo(card: HTMLElement): void {
  const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  card.scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'center' });
  card.focus({ preventScroll: true });
  card.classList.remove('flash');
  void card.offsetWidth;
  card.classList.add('flash');
  setTimeout(() => card.classList.remove('flash'), 2000);
}

function plainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

document.addEventListener('click', (event) => {
  const target = event.target as Element | null;
  const marker = target?.closest?.('a.cite');
  if (marker instanceof HTMLAnchorElement && plainClick(event)) {
    const card = byId(marker.hash.slice(1));
    if (card) {
      event.preventDefault();
      jumpTo(card);
    }
    return;
  }
  const related = target?.closest?.('a[data-followup]');
  if (related instanceof HTMLAnchorElement && live && plainClick(event)) {
    event.preventDefault();
    followUp(related.dataset['followup'] ?? related.textContent ?? '');
  }
});

// ---- answers over Server-Sent Events ----

const announcer = h('p', { class: 'sr-only', id: 'announcer', 'aria-live': 'polite' });
document.body.appendChild(toDom(announcer));
function announce(text: string): void {
  const el = byId('announcer');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}

function sitesFilter(): string {
  return thread?.dataset['sites'] ?? '';
}

function splitSites(sites: string): string[] {
  return sites
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function readEvents(
  response: Response,
  onEvent: (event: string, data: unknown) => void,
): Promise<void> {
  if (!response.body) throw new Error('The answer stream is empty.');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const decoder = new SseDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const e of decoder.push(value)) {
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        continue; // not one of ours (a comment or keep-alive)
      }
      onEvent(e.event, data);
    }
  }
}

/** Opens the answer stream: GET for a first question, POST when earlier turns go along. */
function openStream(question: string, history: readonly Turn[], signal: AbortSignal): Promise<Response> {
  const sites = sitesFilter();
  const headers = { accept: 'text/event-stream' };
  if (history.length === 0) {
    const params = new URLSearchParams({ q: question, stream: 'true' });
    if (sites) params.set('sites', sites);
    return fetch(`/v1/answer?${params.toString()}`, { headers, signal });
  }
  const messages = history
    .slice(-MAX_TURNS_SENT)
    .flatMap((t) => [
      { role: 'user', content: t.question },
      ...(t.answer ? [{ role: 'assistant', content: t.answer.slice(0, 20_000) }] : []),
    ]);
  const filters = sites ? { sites: splitSites(sites) } : undefined;
  return fetch('/v1/answer', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ query: question, messages, stream: true, ...(filters ? { filters } : {}) }),
    signal,
  });
}

async function errorOf(response: Response): Promise<{ message: string; requestId?: string }> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  try {
    const body = (await response.json()) as ApiError;
    if (body.error?.message)
      return { message: body.error.message, requestId: body.error.request_id ?? requestId };
  } catch {
    // not JSON: fall through to the status line
  }
  return { message: `The server answered ${response.status}.`, requestId };
}

/** Renders one question and streams its answer into the thread. */
async function ask(question: string, history: readonly Turn[]): Promise<void> {
  if (!thread) return;
  turnCount++;
  const prefix = turnCount === 1 ? '' : `t${turnCount}-`;
  const turn: Turn = { question };
  conversation.push(turn);
  const controller = new AbortController();
  inflight.push(controller);
  const terms = queryTerms(question);

  const article = toDom(
    h(
      'article',
      { class: 'turn', id: `turn-${turnCount}`, 'aria-labelledby': `question-${turnCount}` },
      h(
        'h2',
        { class: 'question', id: `question-${turnCount}`, dir: 'auto', lang: guessLang(question) },
        question,
      ),
      h(
        'section',
        { class: 'answer streaming', 'aria-label': 'Answer', 'aria-busy': 'true' },
        h(
          'div',
          { class: 'answer-final' },
          h('p', { class: 'live-status' }, 'Searching…'),
          h('div', { class: 'answer-body', dir: 'auto' }),
        ),
        h(
          'div',
          { class: 'answer-actions' },
          h('button', { type: 'button', class: 'secondary stop' }, 'Stop'),
        ),
      ),
    ),
  ) as HTMLElement;
  thread.appendChild(article);
  const section = article.querySelector<HTMLElement>('section.answer')!;
  const final = section.querySelector<HTMLElement>('.answer-final')!;
  const body = section.querySelector<HTMLElement>('.answer-body')!;
  const actions = section.querySelector<HTMLElement>('.answer-actions')!;
  actions.querySelector('button')?.addEventListener('click', () => controller.abort());

  let sources: readonly SourceView[] = [];
  let citations: readonly CitationView[] | undefined;
  let text = '';
  let done: AnswerDone | undefined;
  let streamError: string | undefined;
  let frame = 0;

  const renderSources = () => {
    article.querySelector('.sources-block')?.remove();
    if (sources.length === 0) return;
    const block = h(
      'section',
      { class: 'sources-block', 'aria-labelledby': `${prefix}sources-h` },
      h('h3', { id: `${prefix}sources-h` }, 'Sources'),
      sourcesList(sources, prefix, terms),
    );
    section.after(toDom(block));
  };
  const renderBody = () => {
    frame = 0;
    final.querySelector('.live-status')?.remove();
    mount(body, answerView(text, { prefix, sources, citations }));
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(renderBody);
  };
  const finish = (content: ReturnType<typeof errorView> | null) => {
    if (frame) cancelAnimationFrame(frame);
    section.classList.remove('streaming');
    section.removeAttribute('aria-busy');
    actions.replaceChildren();
    if (content) {
      final.querySelector('.live-status')?.remove();
      final.appendChild(toDom(content));
      const retry = toDom(h('button', { type: 'button', class: 'secondary' }, 'Try again')) as HTMLElement;
      retry.addEventListener('click', () => {
        article.remove();
        conversation.splice(conversation.indexOf(turn), 1);
        void ask(question, history);
      });
      actions.appendChild(retry);
    }
  };

  try {
    const response = await openStream(question, history, controller.signal);
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const err = await errorOf(response);
      finish(errorView(err.message, err.requestId));
      announce(`Error: ${err.message}`);
      return;
    }
    await readEvents(response, (event, data) => {
      if (event === 'sources') {
        sources = (data as { sources?: SourceView[] }).sources ?? [];
        renderSources();
      } else if (event === 'delta') {
        text += (data as { text?: string }).text ?? '';
        schedule();
      } else if (event === 'citations') {
        citations = (data as { citations?: CitationView[] }).citations ?? [];
        section.classList.remove('streaming');
        schedule();
      } else if (event === 'error') {
        streamError = (data as ApiError).error?.message ?? 'The answer failed.';
        // An extractive answer may follow; it replaces what the model had written.
        text = '';
      } else if (event === 'done') {
        done = data as AnswerDone;
      }
    });
  } catch (err) {
    if (controller.signal.aborted) {
      finish(null);
      final.appendChild(toDom(h('p', { class: 'muted' }, 'Stopped.')));
      if (!text) body.replaceChildren();
      return;
    }
    finish(errorView(err instanceof Error ? err.message : 'The connection failed.'));
    return;
  } finally {
    inflight = inflight.filter((c) => c !== controller);
  }

  if (!done) {
    finish(errorView(streamError ?? 'The answer stopped before it was finished.'));
    announce('The answer failed.');
    return;
  }
  // The final response is the truth: its numbering, its verified citations, its sources.
  turn.answer = done.answer;
  sources = done.sources;
  citations = done.citations;
  text = done.answer;
  finish(null);
  renderBody();
  const lang = guessLang(answerPlainText(text));
  if (lang) body.setAttribute('lang', lang);
  else body.removeAttribute('lang');
  section.classList.toggle('answer-none', done.answer_mode === 'none');
  final.prepend(toDom(modeLine(done.answer_mode, done.model, done.timings?.total_ms)));
  if (streamError) {
    final.insertBefore(
      toDom(
        h(
          'p',
          { class: 'notice notice-warn' },
          `The language model failed (${streamError}); this answer was made without it.`,
        ),
      ),
      body,
    );
  }
  renderSources();
  const related = relatedView(done.related_questions ?? [], sitesFilter(), prefix);
  if (related) article.appendChild(toDom(related));
  announce(done.answer_mode === 'none' ? 'No answer found.' : 'Answer ready.');
}

function followUp(question: string): void {
  const q = question.trim();
  if (!q || !thread) return;
  const history = conversation.filter((t) => t.answer !== undefined);
  void ask(q, history);
  byId(`turn-${turnCount}`)?.scrollIntoView({ block: 'start' });
}

// ---- classic results for a search started here ----

async function loadResults(question: string, signal: AbortSignal): Promise<void> {
  const params = new URLSearchParams({ q: question, limit: '10' });
  const sites = sitesFilter();
  if (sites) params.set('sites', sites);
  const response = await fetch(`/v1/search?${params.toString()}`, { signal });
  if (!response.ok) return;
  const body = (await response.json()) as { results?: ResultView[] };
  const results = body.results ?? [];
  if (results.length === 0) return;
  const terms = queryTerms(question);
  const section = h(
    'section',
    { class: 'results', 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h' }, 'Results'),
    results.map((r) => resultItem(r, terms)),
  );
  document.querySelector('main')?.appendChild(toDom(section));
}

function newSearch(question: string, sites: string): void {
  if (!thread) return;
  for (const c of inflight) c.abort();
  inflight = [];
  conversation.length = 0;
  turnCount = 0;
  thread.replaceChildren();
  thread.dataset['sites'] = sites;
  document.querySelector('section.results')?.remove();
  document.title = `${question} – Citebox`;
  const box = byId<HTMLInputElement>('q');
  if (box && box.value !== question) box.value = question;
  const hidden = document.querySelector<HTMLInputElement>('#followup-form input[name=sites]');
  if (hidden) hidden.value = sites;
  void ask(question, []);
  const controller = new AbortController();
  inflight.push(controller);
  loadResults(question, controller.signal)
    .catch(() => undefined) // results are secondary: the answer says what went wrong
    .finally(() => {
      inflight = inflight.filter((c) => c !== controller);
    });
}

// ---- taking over the forms (search page only; the home page navigates to it) ----

if (live) {
  // The server-rendered first turn joins the conversation.
  const first = byId('turn-1');
  if (first) {
    turnCount = 1;
    const finals = first.querySelectorAll<HTMLElement>('.answer-final');
    const answer = finals[finals.length - 1]?.dataset['answer'];
    conversation.push({
      question: first.dataset['question'] ?? '',
      ...(answer !== undefined ? { answer } : {}),
    });
  }
  const params = new URLSearchParams(location.search);
  history.replaceState({ q: params.get('q') ?? '', sites: params.get('sites') ?? '' }, '');

  const form = byId<HTMLFormElement>('search-form');
  form?.addEventListener('submit', (event) => {
    const data = new FormData(form);
    const question = String(data.get('q') ?? '').trim();
    if (!question) return;
    event.preventDefault();
    const sites = String(data.get('sites') ?? '');
    history.pushState({ q: question, sites }, '', searchHref(question, sites || undefined));
    newSearch(question, sites);
  });

  const followForm = byId<HTMLFormElement>('followup-form');
  followForm?.addEventListener('submit', (event) => {
    const input = followForm.querySelector<HTMLInputElement>('input[name=q]');
    const question = input?.value.trim() ?? '';
    if (!question) return;
    event.preventDefault();
    if (input) input.value = '';
    followUp(question);
  });

  window.addEventListener('popstate', (event) => {
    const state = event.state as { q?: string; sites?: string } | null;
    if (state?.q) newSearch(state.q, state.sites ?? '');
  });
}
