// What the API's own route plugins share: the deps, the answer runner (gate, lifecycle, metrics,
// timeout) and the shutdown lifecycle.
import type { AnswerGate } from './answer-gate.js';
import type { AnswerRunnerDeps } from './answer-runner.js';
import type { AppDeps } from './deps.js';
import type { Lifecycle } from './lifecycle.js';

export interface ApiContext {
  readonly deps: AppDeps;
  readonly gate: AnswerGate;
  readonly lifecycle: Lifecycle;
  readonly runner: AnswerRunnerDeps;
}

export interface RouteOptions {
  readonly ctx: ApiContext;
}
