import { describe, expect, it } from 'vitest';
import { CiteboxError } from '../errors.js';
import { Metrics } from '../metrics.js';
import { llmOutcome, readUsage, startLlmCall } from './llm-metrics.js';

describe('llmOutcome', () => {
  const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
  it.each([
    ['a timeout', new CiteboxError('LLM_TIMEOUT'), false, 'timeout'],
    ['an unreachable model', new CiteboxError('LLM_UNAVAILABLE'), false, 'unavailable'],
    ['a failed model', new CiteboxError('LLM_ERROR'), false, 'error'],
    ['anything else', new Error('boom'), false, 'error'],
    ["the caller's abort", abort, false, 'aborted'],
    ['any error once the caller aborted', new CiteboxError('LLM_TIMEOUT'), true, 'aborted'],
  ])('%s is %s', (_name, err, callerAborted, outcome) => {
    expect(llmOutcome(err, callerAborted)).toBe(outcome);
  });
});

describe('readUsage', () => {
  it.each([
    [
      { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      { promptTokens: 10, completionTokens: 2 },
    ],
    [
      { prompt_tokens: 0, completion_tokens: 0 },
      { promptTokens: 0, completionTokens: 0 },
    ],
    [null, undefined],
    [undefined, undefined],
    [{ prompt_tokens: 10 }, undefined],
    [{ prompt_tokens: '10', completion_tokens: 2 }, undefined],
    [{ prompt_tokens: -1, completion_tokens: 2 }, undefined],
    [{ prompt_tokens: 1.5, completion_tokens: 2 }, undefined],
  ])('%j reads as %j', (usage, expected) => {
    expect(readUsage(usage)).toEqual(expected);
  });
});

describe('startLlmCall', () => {
  it('records once per call, the last usage report and the first token only', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const call = startLlmCall(metrics, 'm', 'answer');
    call.firstToken();
    call.firstToken();
    call.usage({ promptTokens: 1, completionTokens: 1 });
    call.usage({ promptTokens: 7, completionTokens: 3 });
    call.end('ok');
    call.end('error');
    const values = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values;
    expect(await values('citebox_llm_requests_total')).toEqual([
      { value: 1, labels: { model: 'm', purpose: 'answer', outcome: 'ok' } },
    ]);
    expect(await values('citebox_llm_tokens_total')).toEqual([
      { value: 7, labels: { kind: 'prompt', model: 'm', purpose: 'answer' } },
      { value: 3, labels: { kind: 'completion', model: 'm', purpose: 'answer' } },
    ]);
    const ttft = await values('citebox_llm_time_to_first_token_seconds');
    expect(ttft?.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))?.value).toBe(1);
  });
});
