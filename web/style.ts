// The site's stylesheet, served at /assets/site.css. Kept in a module so it ships inside dist/.
export const SITE_CSS = `
:root { color-scheme: light dark; --fg: #1b1d21; --muted: #5b6270; --bg: #ffffff; --card: #f5f6f8; --accent: #1f5fd6; --border: #d9dce3; }
@media (prefers-color-scheme: dark) { :root { --fg: #e7e9ee; --muted: #a3aab8; --bg: #111317; --card: #1b1e24; --accent: #7aa7ff; --border: #2c313a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
main { max-width: 760px; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
header.site { display: flex; align-items: center; gap: 1rem; max-width: 760px; margin: 0 auto; padding: 1rem; }
header.site a.brand { font-weight: 700; text-decoration: none; color: var(--fg); font-size: 1.15rem; }
form.search { display: flex; gap: .5rem; width: 100%; }
form.search input[type=search] { flex: 1; min-width: 0; font: inherit; padding: .6rem .8rem; border: 1px solid var(--border); border-radius: .5rem; background: var(--bg); color: var(--fg); }
form.search button { font: inherit; padding: .6rem 1rem; border: 0; border-radius: .5rem; background: var(--accent); color: #fff; cursor: pointer; }
.home { min-height: 70vh; display: flex; flex-direction: column; justify-content: center; align-items: center; gap: 1.25rem; }
.home h1 { margin: 0; font-size: 2.2rem; }
.muted { color: var(--muted); }
.answer { background: var(--card); border: 1px solid var(--border); border-radius: .75rem; padding: 1rem 1.25rem; }
.answer .mode { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
a.cite { text-decoration: none; font-size: .8em; vertical-align: super; padding: 0 .1em; }
ol.sources { list-style: none; padding: 0; display: grid; gap: .6rem; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
ol.sources li { background: var(--card); border: 1px solid var(--border); border-radius: .6rem; padding: .6rem .75rem; overflow-wrap: anywhere; }
ol.sources li:target { outline: 2px solid var(--accent); }
.source-n { font-weight: 700; margin-right: .3rem; }
.site-name { font-size: .8rem; color: var(--muted); }
.results article { margin: 1.1rem 0; overflow-wrap: anywhere; }
.results h3 { margin: 0; font-size: 1.05rem; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0,0,0,0); border: 0; }
pre.doc { white-space: pre-wrap; background: var(--card); padding: 1rem; border-radius: .5rem; }
`;
