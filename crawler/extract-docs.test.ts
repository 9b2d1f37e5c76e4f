// Documentation pages as the common generators write them (markup modelled on Sphinx, MkDocs
// Material, Docusaurus, rustdoc, Javadoc, DocBook, Asciidoctor and hand-written HTML): the main
// content is found without per-site rules, navigation and permalinks stay out, and definition
// lists, tables and code keep their structure.
import * as linkedom from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { ContentBlock } from '../services/index.js';
import { collectBlocks } from './content-blocks.js';
import { extractHtml } from './extract.js';

const page = (title: string, body: string, head = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;

const PROSE =
  'This paragraph explains the feature in plain words, so that the page has real content beside its navigation and its code examples for readers.';

const SPHINX = page(
  'os.path — Common pathname manipulations — Python 3.12 documentation',
  `<div class="related" role="navigation" aria-label="Related"><h3>Navigation</h3><ul><li><a href="genindex.html">index</a></li><li><a href="py-modindex.html">modules</a></li></ul></div>
<div class="document"><div class="documentwrapper"><div class="bodywrapper"><div class="body" role="main">
<section id="module-os.path"><h1><code class="xref py py-mod docutils literal notranslate"><span class="pre">os.path</span></code> — Common pathname manipulations<a class="headerlink" href="#module-os.path" title="Link to this heading">¶</a></h1>
<p>${PROSE}</p>
<dl class="py function"><dt class="sig sig-object py" id="os.path.join"><span class="sig-prename descclassname"><span class="pre">os.path.</span></span><span class="sig-name descname"><span class="pre">join</span></span><span class="sig-paren">(</span><em class="sig-param"><span class="n"><span class="pre">path</span></span></em>, <em class="sig-param"><span class="o"><span class="pre">*</span></span><span class="n"><span class="pre">paths</span></span></em><span class="sig-paren">)</span><a class="headerlink" href="#os.path.join" title="Link to this definition">¶</a></dt>
<dd><p>Join one or more path segments intelligently. The return value is the concatenation of <em>path</em> and all members of <em>*paths</em>.</p>
<div class="highlight-python notranslate"><div class="highlight"><pre><span></span><span class="n">os</span><span class="o">.</span><span class="n">path</span><span class="o">.</span><span class="n">join</span><span class="p">(</span><span class="s2">"a"</span><span class="p">,</span> <span class="s2">"b"</span><span class="p">)</span>
</pre></div></div></dd></dl>
</section></div></div></div>
<div class="sphinxsidebar" role="navigation" aria-label="Main"><div class="sphinxsidebarwrapper"><h3>Table of Contents</h3><ul><li><a href="#">os.path</a></li></ul></div></div></div>
<div class="footer" role="contentinfo">© Copyright 2001-2024, Python Software Foundation. Created using <a href="https://www.sphinx-doc.org/">Sphinx</a> 7.2.6.</div>`,
);

const MKDOCS = page(
  'Configuration - MkDocs',
  `<header class="md-header"><nav class="md-header__inner"><a href="/">MkDocs</a></nav></header>
<div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">
<div class="md-sidebar md-sidebar--primary"><nav class="md-nav"><ul class="md-nav__list"><li><a href="/">Home</a></li><li><a href="/user-guide/">User guide</a></li></ul></nav></div>
<div class="md-content"><article class="md-content__inner md-typeset">
<a href="https://github.com/mkdocs/mkdocs/edit/master/docs/config.md" title="Edit this page" class="md-content__button md-icon">Edit this page</a>
<h1 id="configuration">Configuration</h1><p>${PROSE}</p>
<h2 id="site_name">site_name<a class="headerlink" href="#site_name" title="Permanent link">&para;</a></h2>
<p>This is a <strong>required setting</strong>, and should be a string that is used as the main title for the project documentation. For example:</p>
<div class="highlight"><pre><span></span><code>site_name: Marshmallow Generator
</code></pre></div>
</article></div></div></main>
<footer class="md-footer"><nav class="md-footer__inner"><a href="/prev/">Previous</a><a href="/next/">Next</a></nav><div class="md-copyright">Made with Material for MkDocs</div></footer></div>`,
);

const DOCUSAURUS = page(
  'Installation | My Site',
  `<nav class="navbar navbar--fixed-top"><a class="navbar__brand" href="/">My Site</a><a class="navbar__link" href="/docs">Docs</a></nav>
<div class="main-wrapper"><div class="docsWrapper"><div class="docRoot">
<aside class="theme-doc-sidebar-container"><nav class="menu"><ul class="theme-doc-sidebar-menu menu__list"><li><a href="/docs/intro">Intro</a></li><li><a href="/docs/install">Installation</a></li></ul></nav></aside>
<main class="docMainContainer"><div class="container"><div class="row"><div class="col">
<nav class="theme-doc-breadcrumbs" aria-label="Breadcrumbs"><ul class="breadcrumbs"><li><a href="/">Home</a></li><li>Installation</li></ul></nav>
<div class="theme-doc-markdown markdown"><header><h1>Installation</h1></header><p>${PROSE}</p>
<h2 class="anchor anchorWithStickyNavbar" id="options">Options<a href="#options" class="hash-link" aria-label="Direct link to Options" title="Direct link to Options">&#8203;</a></h2>
<table><thead><tr><th>Option</th><th>Default</th><th>Description</th></tr></thead><tbody><tr><td><code>port</code></td><td><code>3000</code></td><td>Port the dev server listens on.</td></tr><tr><td><code>host</code></td><td><code>localhost</code></td><td>Host name to bind.</td></tr></tbody></table>
</div>
<nav class="pagination-nav docusaurus-mt-lg" aria-label="Docs pages"><a class="pagination-nav__link" href="/docs/intro">Previous: Intro</a></nav>
</div><div class="col col--3"><div class="tableOfContents table-of-contents__left-border"><ul class="table-of-contents"><li><a href="#options">Options</a></li></ul></div></div></div></div></main>
</div></div></div><footer class="footer footer--dark"><div class="footer__copyright">Copyright © 2024 My Project</div></footer>`,
);

const RUSTDOC = page(
  'Vec in std::vec - Rust',
  `<nav class="sidebar"><div class="sidebar-elems"><h2><a href="#">In std::vec</a></h2><ul class="block"><li><a href="struct.IntoIter.html">IntoIter</a></li><li><a href="struct.Drain.html">Drain</a></li></ul></div></nav>
<main><div class="width-limiter"><section id="main-content" class="content">
<div class="main-heading"><h1>Struct <a class="struct" href="#">Vec</a><button id="copy-path" title="Copy item path to clipboard">Copy item path</button></h1><span class="out-of-band"><a class="src" href="../../src/alloc/vec/mod.rs.html#397">source</a></span></div>
<details class="toggle top-doc" open><summary class="hideme"><span>Expand description</span></summary><div class="docblock"><p>A contiguous growable array type, written as <code>Vec&lt;T&gt;</code>, short for ‘vector’. ${PROSE}</p>
<h2 id="examples"><a class="doc-anchor" href="#examples">§</a>Examples</h2>
<div class="example-wrap"><pre class="rust rust-example-rendered"><code><span class="kw">let </span><span class="kw-2">mut </span>vec = Vec::new();
vec.push(<span class="number">1</span>);</code></pre></div></div></details>
<section id="method.push" class="method"><h4 class="code-header">pub fn <a href="#method.push" class="fn">push</a>(&amp;mut self, value: T)</h4></section>
<div class="docblock"><p>Appends an element to the back of a collection.</p></div>
</section></div></main>`,
);

const JAVADOC = page(
  'ArrayList (Java SE 21 &amp; JDK 21)',
  `<header role="banner" class="flex-header"><nav role="navigation"><div class="top-nav" id="navbar-top"><ul class="nav-list"><li><a href="package-summary.html">Package</a></li><li class="nav-bar-cell1-rev">Class</li></ul></div></nav></header>
<div class="flex-content"><main role="main"><div class="header"><h1 title="Class ArrayList" class="title">Class ArrayList&lt;E&gt;</h1></div>
<section class="class-description" id="class-description"><div class="block">Resizable-array implementation of the <code>List</code> interface. ${PROSE}</div></section>
<section class="method-details" id="method-detail"><h2>Method Details</h2><ul class="member-list"><li><section class="detail" id="add(E)"><h3>add</h3>
<div class="member-signature"><span class="modifiers">public</span>&nbsp;<span class="return-type">boolean</span>&nbsp;<span class="element-name">add</span><wbr><span class="parameters">(E&nbsp;e)</span></div>
<div class="block">Appends the specified element to the end of this list.</div><dl class="notes"><dt>Returns:</dt><dd><code>true</code> (as specified by <code>Collection.add(E)</code>)</dd></dl></section></li></ul></section>
</main><footer role="contentinfo"><hr><p class="legal-copy"><small>Copyright © 1993, 2024, Oracle and/or its affiliates.</small></p></footer></div>`,
);

const DOCBOOK = page(
  '19.4. Resource Consumption',
  `<div class="navheader"><table width="100%" summary="Navigation header"><tr><th colspan="3" align="center">19.4. Resource Consumption</th></tr><tr><td width="20%" align="left"><a accesskey="p" href="runtime-config-connection.html">Prev</a> </td><th width="60%" align="center">Chapter 19. Server Configuration</th><td width="20%" align="right"> <a accesskey="n" href="runtime-config-wal.html">Next</a></td></tr></table><hr></div>
<div class="sect1" id="RUNTIME-CONFIG-RESOURCE"><div class="titlepage"><div><div><h2 class="title" style="clear: both">19.4. Resource Consumption</h2></div></div></div>
<p>${PROSE}</p>
<div class="variablelist"><dl class="variablelist"><dt id="GUC-SHARED-BUFFERS"><span class="term"><code class="varname">shared_buffers</code> (<code class="type">integer</code>) <a class="indexterm" name="id-1.6.7.5.2.1.1.3"></a></span></dt>
<dd><p>Sets the amount of memory the database server uses for shared memory buffers. The default is typically 128 megabytes (<code class="literal">128MB</code>), but might be less if your kernel settings will not support it.</p></dd></dl></div></div>
<div class="navfooter"><hr><table width="100%" summary="Navigation footer"><tr><td width="40%" align="left"><a accesskey="p" href="runtime-config-connection.html">Prev</a> </td><td width="20%" align="center"><a accesskey="u" href="runtime-config.html">Up</a></td><td width="40%" align="right"> <a accesskey="n" href="runtime-config-wal.html">Next</a></td></tr></table></div>`,
);

const ASCIIDOCTOR = page(
  'User Guide',
  `<div id="header"><h1>User Guide</h1><div id="toc" class="toc2"><div id="toctitle">Table of Contents</div><ul class="sectlevel1"><li><a href="#_install">Install</a></li><li><a href="#_run">Run</a></li></ul></div></div>
<div id="content"><div id="preamble"><div class="sectionbody"><div class="paragraph"><p>${PROSE}</p></div></div></div>
<div class="sect1"><h2 id="_install">Install</h2><div class="sectionbody"><div class="dlist"><dl><dt class="hdlist1">--port</dt><dd><p>Port to listen on. Defaults to 8080.</p></dd></dl></div>
<div class="listingblock"><div class="content"><pre class="highlight"><code class="language-sh" data-lang="sh">npm start</code></pre></div></div></div></div></div>
<div id="footer"><div id="footer-text">Last updated 2024-01-01 10:00:00 UTC</div></div>`,
);

const HANDWRITTEN = page(
  'Frequently Asked Questions',
  `<div class="nosearch"><a href="index.html"><img src="logo.gif" alt="Logo"></a><div class="menu mainmenu"><ul><li><a href="index.html">Home</a><li><a href="about.html">About</a><li><a href="docs.html">Documentation</a></ul></div></div>
<h2>Frequently Asked Questions</h2><ol><li><a href="#q1">How do I create an AUTOINCREMENT field?</a></li><li><a href="#q2">What datatypes does it support?</a></li></ol>
<a name="q1"></a><p><b>(1) How do I create an AUTOINCREMENT field?</b></p><blockquote><p>Short answer: A column declared INTEGER PRIMARY KEY will autoincrement. ${PROSE}</p></blockquote>
<a name="q2"></a><p><b>(2) What datatypes does it support?</b></p><blockquote><p>It uses dynamic typing: any column can hold any type, and values carry their own storage class.</p></blockquote>`,
);

function textOf(blocks: readonly ContentBlock[]): string {
  return JSON.stringify(blocks);
}

function term(
  blocks: readonly ContentBlock[],
  name: string,
): Extract<ContentBlock, { type: 'term' }> | undefined {
  return blocks.find(
    (b): b is Extract<ContentBlock, { type: 'term' }> => b.type === 'term' && b.term.includes(name),
  );
}

describe('documentation pages from common generators', () => {
  it.each([
    [
      'Sphinx',
      SPHINX,
      ['Join one or more path segments', PROSE],
      ['Created using', 'Table of Contents', '¶', 'modules'],
    ],
    [
      'MkDocs Material',
      MKDOCS,
      ['required setting', 'Marshmallow Generator', PROSE],
      ['Edit this page', 'User guide', 'Previous', 'Made with Material'],
    ],
    [
      'Docusaurus',
      DOCUSAURUS,
      ['Port the dev server listens on', PROSE],
      ['Direct link', 'Previous: Intro', 'Copyright', 'Breadcrumbs'],
    ],
    [
      'rustdoc',
      RUSTDOC,
      ['Appends an element to the back', 'vec.push(1);', PROSE],
      ['IntoIter', 'Copy item path', '§'],
    ],
    [
      'Javadoc',
      JAVADOC,
      ['Appends the specified element', 'Class ArrayList<E>', PROSE],
      ['Oracle and/or', 'nav-list', 'Package'],
    ],
    ['DocBook', DOCBOOK, ['128 megabytes', PROSE], ['Prev', 'Chapter 19. Server Configuration', 'Next']],
    [
      'Asciidoctor',
      ASCIIDOCTOR,
      ['Port to listen on', 'npm start', PROSE],
      ['Last updated', 'Table of Contents'],
    ],
    ['hand-written HTML', HANDWRITTEN, ['INTEGER PRIMARY KEY', 'dynamic typing'], ['Documentation', 'About']],
  ])('%s: keeps the content and drops navigation, footers and permalinks', (_name, html, kept, dropped) => {
    const extracted = extractHtml(html, 'https://docs.example/page.html');
    expect(extracted.role).toBe('content');
    expect(extracted.indexable).toBe(true);
    const text = textOf(extracted.blocks);
    for (const k of kept) expect(text).toContain(k);
    for (const d of dropped) expect(text).not.toContain(d);
  });

  it('keeps a definition-list entry as one unit with its id (Sphinx API, DocBook variables, Asciidoctor options)', () => {
    const sphinx = term(extractHtml(SPHINX, 'https://docs.example/').blocks, 'os.path.join');
    expect(sphinx).toMatchObject({ term: 'os.path.join(path, *paths)', anchor: 'os.path.join' });
    expect(sphinx?.text).toContain('Join one or more path segments');
    expect(sphinx?.text).toContain('```python\nos.path.join("a", "b")\n```');
    const docbook = term(extractHtml(DOCBOOK, 'https://docs.example/').blocks, 'shared_buffers');
    expect(docbook).toMatchObject({ term: 'shared_buffers (integer)', anchor: 'GUC-SHARED-BUFFERS' });
    expect(docbook?.text).toContain('The default is typically 128 megabytes');
    const asciidoctor = term(extractHtml(ASCIIDOCTOR, 'https://docs.example/').blocks, '--port');
    expect(asciidoctor?.text).toBe('Port to listen on. Defaults to 8080.');
  });

  it('keeps a table’s column headers and code verbatim with its language', () => {
    const blocks = extractHtml(DOCUSAURUS, 'https://docs.example/').blocks;
    expect(blocks.find((b) => b.type === 'table')).toEqual({
      type: 'table',
      headers: ['Option', 'Default', 'Description'],
      rows: [
        ['port', '3000', 'Port the dev server listens on.'],
        ['host', 'localhost', 'Host name to bind.'],
      ],
    });
    const code = extractHtml(ASCIIDOCTOR, 'https://docs.example/').blocks.find((b) => b.type === 'code');
    expect(code).toEqual({ type: 'code', text: 'npm start', lang: 'sh' });
  });

  it('reads a table drawn in a <pre> (header, ruler, aligned rows) as a table, other <pre> as code', () => {
    const html = page(
      'git-status(1)',
      `<main><h1>git-status(1)</h1><h2 id="_short_format">Short Format</h2>
<div class="literalblock"><div class="content"><pre><code>X          Y     Meaning
-------------------------------------------------
D           D    unmerged, both deleted
U           U    unmerged, both modified
-------------------------------------------------
!           !    ignored</code></pre></div></div>
<pre><code>$ git status --short
 M README</code></pre></main>`,
    );
    const blocks = extractHtml(html, 'https://docs.example/').blocks;
    expect(blocks.find((b) => b.type === 'table')).toEqual({
      type: 'table',
      headers: ['X', 'Y', 'Meaning'],
      rows: [
        ['D', 'D', 'unmerged, both deleted'],
        ['U', 'U', 'unmerged, both modified'],
        ['!', '!', 'ignored'],
      ],
    });
    expect(blocks.find((b) => b.type === 'code')).toEqual({
      type: 'code',
      text: '$ git status --short\n M README',
    });
  });

  it('takes a bold label of a few words ending in a colon for a heading of what follows, not a bold "Note:"', () => {
    const html = page(
      'SQLite Release 3.40.1',
      `<main><h2>SQLite Release 3.40.1 On 2022-12-28</h2><p><b>Changes in version 3.40.0 (2022-11-16):</b></p>
<ol><li>Add support for compiling SQLite to WASM.</li><li>Change the PRNG from RC4 to Chacha20.</li></ol>
<p><b>Note:</b></p><p>Patch releases carry the notes of the release before them.</p></main>`,
    );
    const blocks = extractHtml(html, 'https://docs.example/').blocks;
    expect(blocks).toContainEqual({
      type: 'heading',
      level: 3,
      text: 'Changes in version 3.40.0 (2022-11-16)',
    });
    expect(blocks.some((b) => b.type === 'heading' && b.text.startsWith('Note'))).toBe(false);
  });

  it('reads code set in a <blockquote> as code, and a quotation as text', () => {
    const html = page(
      'Date And Time Functions',
      `<main><h1>Examples</h1><p>Compute the date and time given a unix timestamp 1092941466.</p>
<blockquote>
    SELECT datetime(1092941466, 'unixepoch');<br>
    SELECT datetime(1092941466, 'auto'); -- Does not work for early 1970!
</blockquote>
<blockquote>The database is the source of truth. Everything else is a cache (f(x) in the docs).</blockquote></main>`,
    );
    const blocks = extractHtml(html, 'https://docs.example/').blocks;
    expect(blocks).toContainEqual({
      type: 'code',
      text: "SELECT datetime(1092941466, 'unixepoch');\nSELECT datetime(1092941466, 'auto'); -- Does not work for early 1970!",
    });
    expect(blocks).toContainEqual({
      type: 'text',
      text: 'The database is the source of truth. Everything else is a cache (f(x) in the docs).',
    });
  });

  it('reads a list of items that open with a bold title and go on in paragraphs as sections', () => {
    const html = page(
      'Limits In SQLite',
      `<main><h1>Limits In SQLite</h1><ol>
<li><p><b>Maximum length of a string or BLOB</b></p><p>The maximum number of bytes in a string or BLOB is 1,000,000,000.</p></li>
<li><p><b>Maximum Number Of Tables In A Join</b></p><p>SQLite does not support joins containing more than 64 tables.</p></li>
</ol><ul><li><p><b>Note</b></p></li><li>a plain item</li></ul></main>`,
    );
    const blocks = extractHtml(html, 'https://docs.example/').blocks;
    expect(blocks).toContainEqual({ type: 'heading', level: 2, text: 'Maximum Number Of Tables In A Join' });
    expect(blocks).toContainEqual({
      type: 'text',
      text: 'SQLite does not support joins containing more than 64 tables.',
    });
    // A list with one titled item or none stays a list.
    expect(blocks.find((b) => b.type === 'list')).toEqual({ type: 'list', items: ['Note', 'a plain item'] });
  });

  it('gives headings their ids (on the heading, its section or an anchor inside it)', () => {
    const headings = (html: string) =>
      extractHtml(html, 'https://docs.example/').blocks.flatMap((b) =>
        b.type === 'heading' ? [[b.text, b.anchor]] : [],
      );
    expect(headings(SPHINX)).toContainEqual(['os.path — Common pathname manipulations', 'module-os.path']);
    expect(headings(MKDOCS)).toContainEqual(['site_name', 'site_name']);
    expect(headings(RUSTDOC)).toContainEqual(['Examples', 'examples']);
    expect(headings(HANDWRITTEN)).toContainEqual(['(1) How do I create an AUTOINCREMENT field?', 'q1']);
  });
});

describe('page roles', () => {
  const links = (n: number, prefix = 'entry') =>
    Array.from({ length: n }, (_, i) => `<li><a href="/p/${i}.html">${prefix} ${i}</a></li>`).join('');

  it.each([
    [
      'an alphabetical index',
      'https://docs.example/genindex-A.html',
      page(
        'Index — Docs',
        `<h1>Index – A</h1><table class="indextable"><tr><td><ul>${links(40, 'abs() (built-in function)')}</ul></td></tr></table>`,
      ),
      'index',
    ],
    [
      'a table of contents',
      'https://docs.example/contents.html',
      page(
        'Contents',
        `<main><h1>Contents</h1><div class="toctree-wrapper"><ul>${links(30, 'Chapter')}</ul></div></main>`,
      ),
      'toc',
    ],
    [
      'a search page',
      'https://docs.example/search.html',
      page(
        'Search',
        '<main><h1>Search</h1><form action="search.html"><input type="text" name="q"><input type="submit"></form><p>Please activate JavaScript to search.</p></main>',
      ),
      'search',
    ],
    [
      'a hub of links',
      'https://docs.example/modules.html',
      page('Modules', `<main><h1>Modules</h1><ul>${links(25, 'module')}</ul></main>`),
      'hub',
    ],
    [
      'an article',
      'https://docs.example/guide.html',
      page('Guide', `<main><h1>Guide</h1><p>${PROSE}</p><p>${PROSE}</p></main>`),
      'content',
    ],
  ])('%s is a %s page', (_name, url, html, role) => {
    const extracted = extractHtml(html, url);
    expect(extracted.role).toBe(role);
    expect(extracted.indexable).toBe(role === 'content');
    // Its links are followed all the same.
    if (role !== 'search' && role !== 'content') expect(extracted.links.length).toBeGreaterThan(20);
  });

  it('indexes a hub for the prose it has, without its link lists', () => {
    const intro = `${PROSE} ${PROSE}`;
    const extracted = extractHtml(
      page(
        'Library reference',
        `<main><h1>Library reference</h1><p>${intro}</p><ul>${links(40, 'module')}</ul></main>`,
      ),
      'https://docs.example/library/index.html',
    );
    expect(extracted.indexable).toBe(true);
    expect(textOf(extracted.blocks)).toContain(PROSE);
    expect(textOf(extracted.blocks)).not.toContain('module 3');
  });

  it('does not call two pages duplicates for sharing a footer: boilerplate is not content', () => {
    const a = extractHtml(
      page(
        'A',
        `<main><p>Alpha page text.</p></main><footer>© Copyright 2024. Created using Sphinx.</footer>`,
      ),
      'https://d.example/a',
    );
    const b = extractHtml(
      page(
        'B',
        `<main><p>Beta page text.</p></main><footer>© Copyright 2024. Created using Sphinx.</footer>`,
      ),
      'https://d.example/b',
    );
    expect(textOf(a.blocks)).not.toContain('Copyright');
    expect(textOf(a.blocks)).not.toBe(textOf(b.blocks));
  });
});

describe('bad input', () => {
  it.each([
    [
      'a page made only of links',
      page(
        'Links',
        `<ul>${Array.from({ length: 50 }, (_, i) => `<li><a href="/${i}">${i}</a></li>`).join('')}</ul>`,
      ),
    ],
    ['a page with no text', page('Empty', '<div><img src="a.png"></div>')],
    ['an empty document', ''],
    [
      'a malformed definition list',
      page(
        'DL',
        '<dl><dd>orphan description</dd><dt>term without description<dt>second<dd><dd>two descriptions<p>unclosed</dl></dl></dl>',
      ),
    ],
  ])('%s is extracted without a crash', (_name, html) => {
    const extracted = extractHtml(html, 'https://bad.example/');
    expect(Array.isArray(extracted.blocks)).toBe(true);
    // Nothing to index: a hub of links, or no blocks at all (the crawler skips it as "no text").
    if (/only of links/.test(_name)) expect(extracted.indexable).toBe(false);
    if (/no text|empty/.test(_name)) expect(extracted.blocks).toEqual([]);
  });

  it('keeps at most 1,000 rows of a 10,000-row table, quickly', () => {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) => `<tr><td>key${i}</td><td>value ${i}</td></tr>`,
    ).join('');
    const started = performance.now();
    const extracted = extractHtml(
      page('Big', `<main><table><tr><th>Key</th><th>Value</th></tr>${rows}</table></main>`),
      'https://bad.example/',
    );
    const table = extracted.blocks.find((b) => b.type === 'table');
    expect(table?.type === 'table' && table.rows.length).toBe(1000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('reads deeply nested lists and divs without a stack overflow', () => {
    const depth = 3000;
    const nested = `${'<div><ul><li>'.repeat(depth)}deep text${'</li></ul></div>'.repeat(depth)}`;
    const extracted = extractHtml(
      page('Deep', `<main><p>${PROSE}</p>${nested}</main>`),
      'https://bad.example/',
    );
    expect(textOf(extracted.blocks)).toContain(PROSE);
  });

  it('collects blocks from a malformed definition list in order', () => {
    const { parseHTML } = linkedom;
    const { document } = parseHTML('<div><dl><dt>a</dt><dd>first</dd><dd>second</dd><dt>b</dt></dl></div>');
    const blocks = collectBlocks(document.querySelector('div') as never).blocks;
    expect(blocks).toEqual([
      { type: 'term', term: 'a', text: 'first' },
      { type: 'text', text: 'second' },
      { type: 'text', text: 'b' },
    ]);
  });
});

describe('a register of opaque codes', () => {
  it('is an index: its entries quote other pages under codes nobody asks for', () => {
    const entries = Array.from(
      { length: 30 },
      (_, i) =>
        `<dt><a name="R-2558${i}-11663-64337"></a>R-2558${i}-11663-64337-14085</dt><dd><p>Compute the last day of month ${i}. (source: <a href="lang_datefunc.html">lang_datefunc.html</a>)</p></dd>`,
    ).join('');
    const extracted = extractHtml(
      page('Requirements', `<main><h1>Requirements</h1><dl>${entries}</dl></main>`),
      'https://docs.example/requirements.html',
    );
    expect(extracted.role).toBe('index');
    expect(extracted.indexable).toBe(false);
  });
});
