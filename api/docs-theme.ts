// Fixes to Swagger UI (/docs) so the API reference is as accessible as the rest of the site (no
// axe-core violation, light or dark, operations open or closed): a stylesheet for contrast and a
// small script that names the controls Swagger UI leaves unnamed, gives its headings the right
// levels and makes its scrolling examples reachable by keyboard. Swagger UI renders as the reader
// opens operations, so the script fixes each change as it appears. The browser test of /docs runs
// axe on the page and fails when an upgrade of Swagger UI brings a violation back.

/**
 * Served as /docs/static/theme/citebox-docs.css (allowed by the page's CSP: 'self'). Swagger UI's
 * page stays light whatever the reader's color scheme, so one set of colors is enough.
 */
export const DOCS_THEME_CSS = `
.swagger-ui .info .title small pre, .swagger-ui .info .title small.version-stamp { background: #3b6e00; color: #fff; }
.swagger-ui .info .title small { background: #5c5c5c; }
.swagger-ui .info .url, .swagger-ui .info a { color: #1f5fa8; }
.swagger-ui .btn.authorize { color: #1b6e47; border-color: #1b6e47; }
.swagger-ui .btn.authorize svg { fill: #1b6e47; }
.swagger-ui .btn.cancel { color: #b01e1e; border-color: #b01e1e; }
.swagger-ui .opblock .opblock-summary-method { background: #1d1d1d; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f5fa8; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1b6e47; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b01e1e; }
.swagger-ui .opblock-tag small, .swagger-ui .opblock .opblock-summary-description,
.swagger-ui .parameter__in, .swagger-ui .parameter__type, .swagger-ui .prop-format,
.swagger-ui .response-col_links, .swagger-ui table thead tr td, .swagger-ui table thead tr th,
.swagger-ui .model-title, .swagger-ui .model .property.primitive, .swagger-ui .model-hint,
.swagger-ui .parameter__deprecated, .swagger-ui .renderedMarkdown p, .swagger-ui .opblock-description-wrapper p,
.swagger-ui .response-col_status, .swagger-ui .tab li, .swagger-ui .model { color: #333; }
.swagger-ui .parameter__name.required span, .swagger-ui .parameter__name.required::after { color: #b01e1e; }
.swagger-ui .prop-type { color: #5b2c91; }
.swagger-ui .model .property, .swagger-ui .model-toggle::after { color: #333; }
.swagger-ui .microlight, .swagger-ui .highlight-code > .microlight { background: #1d1f21 !important; color: #f0f0f0 !important; }
.swagger-ui .microlight span, .swagger-ui .microlight code span { color: #f0f0f0 !important; }
.swagger-ui .scheme-container { background: #fff; }
.swagger-ui a:focus-visible, .swagger-ui button:focus-visible, .swagger-ui [tabindex]:focus-visible,
.swagger-ui select:focus-visible, .swagger-ui input:focus-visible, .swagger-ui textarea:focus-visible {
  outline: 3px solid #1f5fa8; outline-offset: 2px;
}
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #444; }
.swagger-ui .response-control-media-type__accept-message { color: #1b5e20; }
.swagger-ui .btn.execute { background: #1f5fa8; border-color: #1f5fa8; color: #fff; }
.swagger-ui .renderedMarkdown code, .swagger-ui .markdown code { color: #5b0fa8; }
`;

/** Served as /docs/static/theme/citebox-docs.js (allowed by the page's CSP: 'self'). */
export const DOCS_THEME_JS = `(() => {
  'use strict';
  const text = (el) => (el && el.textContent ? el.textContent.trim() : '');
  function label(op) {
    return op ? (text(op.querySelector('.opblock-summary-method')) + ' ' + text(op.querySelector('.opblock-summary-path'))).trim() : '';
  }
  function fix(root) {
    // The API's title and description: a named region (the rest of the page is in Swagger UI's
    // own main landmark).
    const info = root.querySelector('.information-container');
    if (info && !info.hasAttribute('role')) {
      info.setAttribute('role', 'region');
      info.setAttribute('aria-label', 'About this API');
    }
    // Heading levels under the page's one h1 (the API's title): tags 2, an operation's parts 3.
    for (const h of root.querySelectorAll('h3.opblock-tag, .models > h4, section.models h4')) h.setAttribute('aria-level', '2');
    for (const h of root.querySelectorAll('.opblock-body h4, .opblock-body h5')) h.setAttribute('aria-level', '3');
    // Examples and schemas that scroll sideways must be reachable by keyboard.
    for (const pre of root.querySelectorAll('.microlight:not([tabindex])')) pre.setAttribute('tabindex', '0');
    // Controls Swagger UI leaves without a name: a parameter's value, the request body, media types.
    for (const row of root.querySelectorAll('tr[data-param-name]')) {
      const name = row.getAttribute('data-param-name');
      for (const control of row.querySelectorAll('select, input, textarea')) {
        if (!control.hasAttribute('aria-label')) control.setAttribute('aria-label', 'Value of ' + name);
      }
    }
    for (const area of root.querySelectorAll('textarea:not([aria-label])')) {
      area.setAttribute('aria-label', 'Request body of ' + label(area.closest('.opblock')));
    }
    for (const select of root.querySelectorAll('select:not([aria-label])')) {
      if (select.id && root.querySelector('label[for="' + select.id + '"]')) continue;
      select.setAttribute('aria-label', 'Media type');
    }
    // Each operation's responses table is a region with a name of its own.
    for (const table of root.querySelectorAll('[role="region"]:not([aria-label]):not([aria-labelledby])')) {
      table.setAttribute('aria-label', 'Responses of ' + label(table.closest('.opblock')));
    }
  }
  const start = () => {
    const root = document.getElementById('swagger-ui');
    if (!root) return;
    fix(root);
    new MutationObserver(() => fix(root)).observe(root, { childList: true, subtree: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
