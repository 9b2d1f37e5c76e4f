// The answer-first search page, written while the answer is made: the page shell and search box
// go out at once (first paint does not wait for the answer), the answer's text streams in as
// plain text, and when the answer is done its rendered form (citations, sources, related
// questions) and the classic results follow. A small CSS rule hides the streamed text once the
// rendered answer is there, so the page streams without any JavaScript; the client script takes
// over from there for new searches and follow-ups (client/app.ts).
import type { AppDeps } from '../api/index.js';
import type { ClientAssets } from './assets.js';
import { guessLang, queryTerms } from './client/text.js';
import { h } from './client/vdom.js';
import {
  answerPlainText,
  answerView,
  errorView,
  modeLine,
  type ResultView,
  relatedView,
  resultItem,
  type SourceView,
  sourcesList,
} from './client/views.js';
import { escapeHtml, html, view } from './html.js';
import { emptyIndexNotice, type SearchFormState, searchDescription, shellEnd, shellStart } from './pages.js';

type AnswerStream = ReturnType<AppDeps['answers']['stream']>;
type AnswerEvent = AnswerStream extends AsyncIterable<infer E> ? E : never;
type Done = Extract<AnswerEvent, { type: 'done' }>['response'];

export interface SearchPageInput {
  readonly assets: ClientAssets;
  readonly form: SearchFormState;
  readonly query: string;
  readonly emptyIndex: boolean;
  /**
   * Whether the JSON API answers without a key. When CITEBOX_API_KEYS is set, the page still works
   * (rendered here) but its script cannot call the API, so it leaves the forms to the server.
   */
  readonly apiOpen: boolean;
  /** The answer's events (sources, delta…, citations, done). */
  readonly answer: () => AsyncIterable<AnswerEvent>;
  /** Classic results, started at once and awaited at the end. */
  readonly results: () => Promise<ResultView[]>;
  /** Logs a failure and says what the reader may see of it. */
  readonly failure: (err: unknown, where: 'answer' | 'results') => string;
}

function followupForm(sites: string): string {
  return html`<form class="followup" id="followup-form" action="/search" method="get">
<label for="followup">Ask a follow-up</label>
<input id="followup" name="q" type="text" maxlength="2000" autocomplete="off" enterkeyhint="send" placeholder="Ask about this answer…" required>
${sites ? html`<input type="hidden" name="sites" value="${sites}">` : ''}
<button type="submit">Ask</button>
</form>
`.value;
}

export async function* searchPage(input: SearchPageInput): AsyncGenerator<string> {
  const { assets, form, query } = input;
  const terms = queryTerms(query);
  yield shellStart({
    title: `${query} – Citebox`,
    description: searchDescription(query),
    assets,
    header: form,
    script: 'app.js',
    bodyClass: 'page-search',
  }).value;
  yield html`<h1 class="sr-only">Search results</h1>
<div class="thread" id="thread" data-sites="${form.sites}" data-api="${input.apiOpen ? 'open' : 'key'}">
<article class="turn" id="turn-1" data-question="${query}" aria-labelledby="question-1">
${view(h('h2', { class: 'question', id: 'question-1', dir: 'auto', lang: guessLang(query) }, query))}
`.value;

  if (input.emptyIndex) {
    yield `${emptyIndexNotice('h2').value}\n</article>\n</div>\n${shellEnd().value}`;
    return;
  }

  const results = input.results().then(
    (list) => ({ list }),
    (err: unknown) => ({ error: input.failure(err, 'results') }),
  );
  // The streamed text is for sighted readers while they wait; screen readers get the rendered
  // answer, announced once, instead of every fragment.
  yield '<section class="answer" aria-label="Answer"><div class="answer-live" aria-hidden="true"><span class="live-status">Searching…</span>';

  let sources: readonly SourceView[] = [];
  let text = '';
  let rendered: string | undefined;
  let response: Done | undefined;
  let streamError: string | undefined;
  let failure: string | undefined;
  let liveOpen = false;
  const closeLive = () => {
    const out = liveOpen ? '</span></div>\n' : '</div>\n';
    liveOpen = false;
    return out;
  };
  // The rendered answer; a later one (when the final text differs) hides an earlier one by CSS.
  const finalBlock = (answer: string, citations: Done['citations'] | undefined) => {
    rendered = answer;
    return view(
      h(
        'div',
        { class: 'answer-final', 'data-answer': answer },
        h(
          'div',
          { class: 'answer-body', dir: 'auto', lang: guessLang(answerPlainText(answer)) },
          answerView(answer, { prefix: '', sources, citations }),
        ),
      ),
    ).value;
  };
  let live = true;
  try {
    for await (const event of input.answer()) {
      if (event.type === 'sources') sources = event.sources;
      else if (event.type === 'delta') {
        text += event.text;
        if (!live) continue;
        if (!liveOpen) {
          yield '<span class="live-text">';
          liveOpen = true;
        }
        if (event.text) yield escapeHtml(event.text);
      } else if (event.type === 'citations' && live) {
        // The answer is written and its citations checked: show it rendered now, without waiting
        // for the rest of the response (related questions may take another model call).
        yield closeLive() + finalBlock(text, event.citations);
        live = false;
      } else if (event.type === 'error') {
        streamError = event.message;
        // An answer made without the model may follow; it replaces what the model had written.
        text = '';
      } else if (event.type === 'done') response = event.response;
    }
  } catch (err) {
    failure = input.failure(err, 'answer');
  }
  if (live) yield closeLive();

  if (response) {
    sources = response.sources;
    if (rendered?.trim() !== response.answer.trim()) yield finalBlock(response.answer, response.citations);
    yield view(modeLine(response.answer_mode, response.model, response.timings.total_ms)).value;
    if (streamError) {
      yield view(
        h(
          'p',
          { class: 'notice notice-warn' },
          `The language model failed (${streamError}); this answer was made without it.`,
        ),
      ).value;
    }
  } else {
    yield view(
      h('div', { class: 'answer-error' }, errorView(failure ?? streamError ?? 'The answer stopped early.')),
    ).value;
  }
  yield '</section>\n';
  if (sources.length > 0) {
    yield view(
      h(
        'section',
        { class: 'sources-block', 'aria-labelledby': 'sources-h' },
        h('h3', { id: 'sources-h' }, 'Sources'),
        sourcesList(sources, '', terms),
      ),
    ).value;
  }
  if (response) yield view(relatedView(response.related_questions, form.sites, '')).value;
  yield `</article>\n</div>\n${followupForm(form.sites)}`;

  const classic = await results;
  if ('error' in classic) {
    yield view(h('section', { class: 'results' }, errorView(classic.error))).value;
  } else if (classic.list.length > 0) {
    yield view(
      h(
        'section',
        { class: 'results', 'aria-labelledby': 'results-h' },
        h('h2', { id: 'results-h' }, 'Results'),
        classic.list.map((r) => resultItem(r, terms)),
      ),
    ).value;
  }
  yield shellEnd().value;
}
