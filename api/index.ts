// Public entry point of the API.

// Contract types the website renders.
export type { AnswerResponse, Citation, Source } from '../services/index.js';
export { BODY_LIMIT_BYTES, buildApp, lifecycleOf } from './app.js';
export type { AnswerPort, AppDeps } from './deps.js';
export { type ErrorBody, STATUS_BY_KIND, sendError } from './error-handler.js';
export { groupByPage, type PageResult } from './routes/search.js';
/** The Content-Security-Policy every response carries (the website must fit in it). */
export { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES } from './security.js';
export { type CloseReport, closeGracefully, listen } from './server.js';
