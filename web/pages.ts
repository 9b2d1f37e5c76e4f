// Server-rendered pages: the home page with its search box and the answer-first results page.
import type { AnswerResponse } from '../api/index.js';
import { answerToHtml } from './answer-markup.js';
import { type Html, html, safeHref } from './html.js';

export interface PageResultView {
  readonly url: string;
  readonly title: string;
  readonly snippet: string;
}

function layout(title: string, body: Html, query = ''): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
${
  query !== undefined && title !== 'Citebox'
    ? html`<header class="site"><a class="brand" href="/">Citebox</a>${searchForm(query, false)}</header>`
    : ''
}
<main>${body}</main>
</body>
</html>`;
}

function searchForm(query: string, autofocus: boolean): Html {
  return html`<form class="search" action="/search" method="get" role="search">
<label class="sr-only" for="q">Ask a question</label>
<input id="q" type="search" name="q" value="${query}" placeholder="Ask anything about your sites…" maxlength="2000" ${autofocus ? html`autofocus` : ''} required>
<button type="submit">Ask</button>
</form>`;
}

export function homePage(): Html {
  return layout(
    'Citebox',
    html`<div class="home"><h1>Citebox</h1><p class="muted">Answers with sources, from the sites you choose.</p>${searchForm('', true)}</div>`,
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function resultsPage(query: string, answer: AnswerResponse, results: readonly PageResultView[]): Html {
  const cited = new Set(answer.citations.map((c) => c.n));
  const modeLabel =
    answer.answer_mode === 'llm'
      ? `Answer by ${answer.model ?? 'LLM'}`
      : answer.answer_mode === 'extractive'
        ? 'Extractive answer (quoted from the sources)'
        : 'No answer found';
  const sources = answer.sources.map((s) => {
    const href = safeHref(s.url);
    return html`<li id="source-${s.n}"><span class="source-n">${s.n}</span>${
      href
        ? html`<a href="${href}" rel="noopener noreferrer nofollow">${s.title}</a>`
        : html`<span>${s.title}</span>`
    }<div class="site-name">${hostOf(s.url)}</div><div class="muted">${s.snippet}</div></li>`;
  });
  const resultItems = results.map((r) => {
    const href = safeHref(r.url);
    return html`<article><h3>${href ? html`<a href="${href}" rel="noopener noreferrer nofollow">${r.title}</a>` : r.title}</h3><div class="site-name">${r.url}</div><p>${r.snippet}</p></article>`;
  });
  return layout(
    `${query} – Citebox`,
    html`<section class="answer" aria-labelledby="answer-heading">
<h2 id="answer-heading" class="sr-only">Answer</h2>
<div class="mode">${modeLabel}</div>
${answerToHtml(answer.answer, cited)}
</section>
${answer.sources.length > 0 ? html`<h2>Sources</h2><ol class="sources">${sources}</ol>` : ''}
${results.length > 0 ? html`<section class="results"><h2>Results</h2>${resultItems}</section>` : ''}`,
    query,
  );
}

export function docPage(title: string, text: string): Html {
  return layout(`${title} – Citebox`, html`<h1>${title}</h1><pre class="doc">${text}</pre>`, '');
}
