// Public entry point of the API.

// Contract types the website renders.
export type { AnswerResponse, Citation, Source } from '../services/index.js';
export { BODY_LIMIT_BYTES, buildApp } from './app.js';
export type { AppDeps } from './deps.js';
export { type ErrorBody, STATUS_BY_KIND, sendError } from './error-handler.js';
export { groupByPage, type PageResult } from './routes/search.js';
export { listen } from './server.js';
