// The site's stylesheet and icon, served as assets (see assets.ts). Kept in a module so they ship
// inside dist/. No inline styles anywhere: pages work under a CSP without 'unsafe-inline'.
// Colours are chosen for WCAG AA contrast (≥ 4.5:1 for text) in both schemes; the browser tests
// check the main pairs.

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4ed8"/><path d="M12 8H8v16h4M20 8h4v16h-4" stroke="#fff" stroke-width="2.6" fill="none" stroke-linejoin="round"/><circle cx="16" cy="16" r="2.6" fill="#fff"/></svg>`;

export const SITE_CSS = `
:root {
  color-scheme: light dark;
  --fg: #1a1c20; --muted: #555c69; --bg: #ffffff; --card: #f5f7fa; --card-2: #ebeef3;
  --border: #d5dae2; --accent: #1d4ed8; --accent-fg: #ffffff; --link: #1d4ed8; --visited: #6b2fb3;
  --url: #1f6b3a; --mark-bg: #fde68a; --mark-fg: #1a1c20; --focus: #1d4ed8;
  --ok: #166534; --warn-bg: #fff7e0; --warn: #8a5300; --err-bg: #fdeceb; --err: #a1231b;
  --tip-bg: #ffffff; --shadow: 0 6px 24px rgba(15, 23, 42, .16);
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", sans-serif, "Apple Color Emoji", "Segoe UI Emoji";
  --mono: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", "Noto Sans Mono CJK SC", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e8ec; --muted: #a4abb8; --bg: #0f1115; --card: #171a20; --card-2: #20242c;
    --border: #2e343e; --accent: #3b6fe0; --accent-fg: #ffffff; --link: #8cb4ff; --visited: #c9a3ff;
    --url: #7fd3a0; --mark-bg: #5b4a0e; --mark-fg: #fff4cc; --focus: #8cb4ff;
    --ok: #86efac; --warn-bg: #2d2410; --warn: #f5c46b; --err-bg: #2f1513; --err: #ffb4ab;
    --tip-bg: #1d2128; --shadow: 0 6px 24px rgba(0, 0, 0, .5);
  }
}
:lang(zh) { font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif; line-break: strict; }
:lang(zh-TW), :lang(zh-HK), :lang(zh-Hant) { font-family: system-ui, -apple-system, "PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Noto Sans TC", sans-serif; }
:lang(ja) { font-family: system-ui, -apple-system, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Meiryo", "Noto Sans CJK JP", "Noto Sans JP", sans-serif; line-break: strict; }
:lang(ko) { font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "Noto Sans KR", sans-serif; word-break: keep-all; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; font: 16px/1.6 var(--font); color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--link); text-underline-offset: .15em; }
a:visited { color: var(--visited); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
code, pre { font-family: var(--mono); font-size: .9em; }
code { background: var(--card-2); padding: .1em .3em; border-radius: .3em; }
pre { background: var(--card-2); padding: .75rem 1rem; border-radius: .5rem; overflow-x: auto; }
pre code { background: none; padding: 0; }
mark { background: var(--mark-bg); color: var(--mark-fg); border-radius: .2em; padding: 0 .1em; }
.sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: .5rem; top: -3rem; background: var(--accent); color: var(--accent-fg); padding: .5rem .8rem; border-radius: .4rem; z-index: 20; }
.skip:focus { top: .5rem; color: var(--accent-fg); }
.muted { color: var(--muted); }
[hidden] { display: none !important; }

header.site { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem 1rem; padding: .75rem 1rem; border-bottom: 1px solid var(--border); }
header.site > * { max-width: 100%; }
.brand { display: inline-flex; align-items: center; gap: .45rem; font-weight: 700; font-size: 1.15rem; color: var(--fg); text-decoration: none; }
.brand:visited { color: var(--fg); }
.brand img { width: 1.6rem; height: 1.6rem; }
header.site form.search { flex: 1 1 28rem; max-width: 48rem; }
article.result h3 a { text-decoration: none; }
article.result h3 a:hover { text-decoration: underline; }

form.search { display: grid; grid-template-columns: minmax(0, 1fr) auto auto; grid-template-areas: "q site go"; gap: .5rem; width: 100%; }
form.search .field { grid-area: q; display: flex; min-width: 0; }
form.search select { grid-area: site; max-width: 13rem; }
form.search button { grid-area: go; }
.search input[type=search], .search select, .followup input, .admin input, .admin textarea {
  font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: .6rem; padding: .55rem .8rem; min-width: 0;
}
.search input[type=search] { flex: 1; width: 100%; }
button, .button { font: inherit; font-weight: 600; padding: .55rem 1.1rem; border: 1px solid transparent; border-radius: .6rem; background: var(--accent); color: var(--accent-fg); cursor: pointer; }
button.secondary { background: transparent; color: var(--link); border-color: var(--border); }
button:disabled { opacity: .6; cursor: default; }
input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid var(--focus); outline-offset: 0; border-color: var(--focus); }

main { flex: 1; width: 100%; max-width: 50rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
footer.site { border-top: 1px solid var(--border); padding: 1rem; text-align: center; font-size: .9rem; color: var(--muted); }
footer.site a { color: var(--muted); margin: 0 .5rem; }

.home { min-height: 62vh; display: flex; flex-direction: column; justify-content: center; align-items: center; gap: 1rem; text-align: center; }
.home h1 { margin: 0; font-size: clamp(2rem, 6vw, 2.8rem); display: inline-flex; align-items: center; gap: .6rem; }
.home h1 img { width: 2.6rem; height: 2.6rem; }
.home .tagline { margin: 0; color: var(--muted); font-size: 1.1rem; }
.home form.search { max-width: 40rem; }
.home .search input[type=search] { padding: .8rem 1rem; font-size: 1.1rem; border-radius: .8rem; }
.home .index-line { font-size: .9rem; }
.kbd-hint { font-size: .85rem; }
/* No keyboard shortcut to offer on a touch screen. */
@media (hover: none), (pointer: coarse) { .kbd-hint { display: none; } }
kbd { font-family: var(--mono); font-size: .85em; border: 1px solid var(--border); border-bottom-width: 2px; border-radius: .3rem; padding: 0 .35em; }

.thread { display: flex; flex-direction: column; gap: 2.25rem; }
.turn { display: flex; flex-direction: column; gap: 1rem; }
.turn + .turn { border-top: 1px solid var(--border); padding-top: 1.5rem; }
.question { margin: 0; font-size: 1.55rem; line-height: 1.3; }
.answer { background: var(--card); border: 1px solid var(--border); border-radius: .9rem; padding: 1rem 1.25rem; display: flex; flex-direction: column; }
/* The server writes the mode line after the answer (it is known last); it is shown first. */
.answer > .mode { order: -2; }
.answer > .notice-warn { order: -1; margin: 0 0 .5rem; }
.answer-final:has(~ .answer-final) { display: none; }
.answer p { margin: .5rem 0; }
.answer .answer-body > :first-child { margin-top: .25rem; }
.answer .answer-body > :last-child { margin-bottom: 0; }
.answer h3, .answer h4 { margin: 1rem 0 .25rem; font-size: 1.05rem; }
.answer ul, .answer ol { padding-inline-start: 1.4rem; margin: .4rem 0; }
.answer blockquote { margin: .5rem 0; padding-inline-start: .9rem; border-inline-start: 3px solid var(--border); color: var(--muted); }
.answer-none { background: transparent; }
.mode { margin: 0 0 .35rem; font-size: .8rem; letter-spacing: .02em; color: var(--muted); }
.mode::before { content: ""; display: inline-block; width: .55rem; height: .55rem; border-radius: 50%; margin-inline-end: .45rem; background: var(--muted); vertical-align: .05em; }
.mode-llm::before { background: var(--accent); }
.mode-extractive::before { background: var(--ok); }
.answer-live { white-space: pre-wrap; }
.answer-live:has(~ .answer-final) { display: none; }
.live-status { color: var(--muted); }
.live-status:has(+ .live-text) { display: none; }
.live-text::after, .streaming .answer-body > :last-child::after, .streaming .answer-body:empty::after {
  content: "▍"; color: var(--muted); animation: blink 1s steps(2, start) infinite; margin-inline-start: .1em;
}
@keyframes blink { to { visibility: hidden; } }
.table-wrap { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; font-size: .92rem; }
th, td { border: 1px solid var(--border); padding: .3rem .55rem; text-align: start; vertical-align: top; }

a.cite { position: relative; display: inline-flex; align-items: center; justify-content: center; min-width: 1.4em; height: 1.4em; padding: 0 .3em; margin: 0 .1em;
  border-radius: .7em; background: var(--card-2); border: 1px solid var(--border); color: var(--link); font-size: .72em; font-weight: 600; line-height: 1;
  text-decoration: none; vertical-align: .3em; }
a.cite:hover { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
a.cite.unverified { border-style: dashed; color: var(--warn); }
.cite-tip { display: none; position: absolute; z-index: 30; bottom: calc(100% + .45rem); left: 50%; transform: translateX(calc(-50% + var(--tip-shift, 0px)));
  width: max-content; max-width: min(21rem, calc(100vw - 1.5rem)); padding: .6rem .75rem; border-radius: .6rem; background: var(--tip-bg); color: var(--fg);
  border: 1px solid var(--border); box-shadow: var(--shadow); font-size: .85rem; font-weight: 400; line-height: 1.4; text-align: start; white-space: normal; pointer-events: none; }
a.cite:hover .cite-tip, a.cite:focus-visible .cite-tip { display: flex; flex-direction: column; gap: .15rem; }
a.cite.tip-measure .cite-tip { display: flex; visibility: hidden; }
a.cite.tip-below .cite-tip { bottom: auto; top: calc(100% + .45rem); }
@media (hover: none) { a.cite:hover:not(:focus-visible) .cite-tip { display: none; } }
.tips-off a.cite .cite-tip { display: none !important; }
.tip-title { font-weight: 600; }
.tip-site { color: var(--url); font-size: .8rem; }
.tip-section { font-size: .8rem; font-weight: 600; }
/* A citation marker stays on the line of the word before it (views.ts wraps them together). */
.cite-run { white-space: nowrap; }
.tip-snippet { color: var(--muted); }
.tip-warn { color: var(--warn); font-size: .8rem; }

.sources-block h3, .related h3, .results h2 { margin: 0 0 .5rem; font-size: 1rem; }
.turn > * { min-width: 0; }
ol.sources { list-style: none; margin: 0; padding: 0; display: grid; gap: .6rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr)); }
/* One card per page: its title, its site, then the passages of it that were retrieved. Positioned,
   so its screen-reader-only labels stay inside the sources strip that scrolls sideways on phones. */
li.source-page { position: relative; background: var(--card); border: 1px solid var(--border); border-radius: .7rem; padding: .6rem .75rem; display: flex; flex-direction: column; gap: .15rem; min-width: 0; }
.source-link { font-weight: 600; text-decoration: none; }
.source-link:hover .source-title { text-decoration: underline; }
.source-title { display: -webkit-box; -webkit-line-clamp: 2; line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.site-name { font-size: .8rem; color: var(--url); overflow-wrap: anywhere; }
.doc-type { display: inline-block; margin-left: .4rem; padding: 0 .35rem; border: 1px solid currentColor; border-radius: .25rem; font-size: .72rem; font-weight: 600; }
.doc-page { margin-right: .4rem; font-size: .82rem; font-weight: 600; }
.tip-doc { font-size: .8rem; }
ol.passages { list-style: none; margin: .3rem 0 0; padding: 0; display: grid; gap: .4rem; }
li.source { display: flex; gap: .45rem; align-items: baseline; min-width: 0; border-radius: .4rem; scroll-margin-top: 1rem; }
li.source:target, li.source.flash { outline: 3px solid var(--focus); outline-offset: 2px; }
li.source:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.source-body { min-width: 0; display: flex; flex-direction: column; }
.source-n { flex: none; display: inline-flex; align-items: center; justify-content: center; min-width: 1.4rem; height: 1.4rem; border-radius: .7rem;
  background: var(--card-2); color: var(--fg); font-size: .75rem; font-weight: 600; }
li.source .section { font-size: .82rem; font-weight: 600; overflow-wrap: anywhere; }
li.source .snippet { margin: 0; font-size: .85rem; color: var(--muted); display: -webkit-box; -webkit-line-clamp: 3; line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }

.related ul { list-style: none; margin: 0; padding: 0; border-top: 1px solid var(--border); }
.related li { border-bottom: 1px solid var(--border); }
.related a { display: block; padding: .5rem .25rem; text-decoration: none; }
.related a::before { content: "+"; display: inline-block; width: 1.2rem; color: var(--muted); font-weight: 700; }
.related a:hover { text-decoration: underline; }

form.followup { margin: 2rem 0 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
form.followup label { flex: 1 0 100%; font-weight: 600; }
form.followup input { flex: 1 1 14rem; }
.answer-actions { display: flex; gap: .5rem; margin-top: .6rem; }

.results { margin-top: 2.5rem; border-top: 1px solid var(--border); padding-top: 1.25rem; }
article.result { margin: 0 0 1.3rem; overflow-wrap: anywhere; }
article.result h3 { margin: 0; font-size: 1.08rem; font-weight: 600; line-height: 1.35; }
.result-url { font-size: .82rem; color: var(--url); }
article.result .snippet { margin: .2rem 0 0; font-size: .95rem; }

.notice { border: 1px solid var(--border); border-inline-start: 4px solid var(--accent); background: var(--card); padding: .8rem 1rem; border-radius: .6rem; }
.notice h2 { margin: 0 0 .3rem; font-size: 1.1rem; }
.notice p { margin: .3rem 0; }
.notice-error { border-inline-start-color: var(--err); background: var(--err-bg); color: var(--fg); }
.notice-error strong { color: var(--err); }
.notice-warn { border-inline-start-color: var(--warn); background: var(--warn-bg); }

pre.doc { white-space: pre-wrap; }

.admin h2 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; }
.admin form { display: grid; gap: .6rem; }
.admin label { font-weight: 600; }
.admin .row { display: flex; flex-wrap: wrap; gap: 1rem; }
.admin .row > div { display: grid; gap: .25rem; }
.admin textarea { min-height: 5.5rem; resize: vertical; font-family: var(--mono); font-size: .9rem; }
.admin input[type=number] { width: 8rem; }
.admin .hint { font-size: .85rem; color: var(--muted); margin: 0; }
.form-error { color: var(--err); margin: 0; }
ul.crawls { list-style: none; padding: 0; margin: 0; display: grid; gap: .7rem; }
li.crawl { border: 1px solid var(--border); border-radius: .7rem; padding: .7rem .9rem; background: var(--card); display: grid; gap: .35rem; }
.crawl-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem; align-items: baseline; }
.crawl-seeds { font-weight: 600; overflow-wrap: anywhere; }
.status { font-size: .78rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; padding: .1rem .5rem; border-radius: 1rem; background: var(--card-2); }
.status-running, .status-queued { color: var(--link); }
.status-done { color: var(--ok); }
.status-failed, .status-cancelled { color: var(--err); }
progress { width: 100%; height: .6rem; accent-color: var(--accent); }
dl.stats { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; margin: 0; font-size: .88rem; }
dl.stats div { display: flex; gap: .3rem; }
dl.stats dt { color: var(--muted); }
dl.stats dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
table.sites { width: 100%; }
table.sites td.num, table.sites th.num { text-align: end; font-variant-numeric: tabular-nums; }

@media (max-width: 40rem) {
  header.site { padding: .6rem .75rem; }
  main { padding: 1rem .75rem 2.5rem; }
  .question { font-size: 1.3rem; }
  .answer { padding: .8rem .9rem; }
  form.search { grid-template-columns: minmax(0, 1fr) auto; grid-template-areas: "q go" "site site"; }
  form.search select { max-width: none; }
  /* Sources as a strip to swipe through, so the results stay close to the answer. */
  ol.sources { grid-template-columns: none; grid-auto-flow: column; grid-auto-columns: 82%; overflow-x: auto; scroll-snap-type: x proximity;
    padding: .2rem .1rem .6rem; overscroll-behavior-x: contain; }
  li.source-page { scroll-snap-align: start; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
}
`;
