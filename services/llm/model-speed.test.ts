import { describe, expect, it } from 'vitest';
import { ModelSpeed } from './model-speed.js';

describe('ModelSpeed', () => {
  it('knows nothing before a call has shown it', () => {
    const speed = new ModelSpeed();
    expect(speed.prefillTokensPerSecond).toBeUndefined();
    expect(speed.expectedMs(100, 50)).toBeUndefined();
  });

  it('reads the prompt speed from the time to the first token, minus cached tokens', () => {
    const speed = new ModelSpeed();
    speed.observe({ promptTokens: 1100, cachedTokens: 100, firstTokenMs: 20_000 });
    expect(speed.prefillTokensPerSecond).toBe(50);
    expect(speed.cachesPrompt).toBe(true);
  });

  it("prefers the server's own timings", () => {
    const speed = new ModelSpeed();
    speed.observe({
      promptTokens: 1100,
      firstTokenMs: 20_000,
      serverPromptTokens: 1000,
      serverPromptMs: 10_000,
    });
    expect(speed.prefillTokensPerSecond).toBe(100);
  });

  it.each([
    ['a short prompt', { promptTokens: 40, firstTokenMs: 400 }],
    ['a prompt read from the cache', { promptTokens: 1000, cachedTokens: 990, firstTokenMs: 100 }],
    ['no first token', { promptTokens: 1000 }],
  ])('learns nothing about prompt speed from %s', (_name, call) => {
    const speed = new ModelSpeed();
    speed.observe(call);
    expect(speed.prefillTokensPerSecond).toBeUndefined();
  });

  it('averages with more weight on recent calls, and predicts a call', () => {
    const speed = new ModelSpeed();
    speed.observe({ promptTokens: 1000, firstTokenMs: 10_000, completionTokens: 21, generationMs: 2000 });
    speed.observe({ promptTokens: 1000, firstTokenMs: 5_000, completionTokens: 41, generationMs: 2000 });
    expect(speed.prefillTokensPerSecond).toBeCloseTo(100 + 0.3 * 100);
    expect(speed.decodeTokensPerSecond).toBeCloseTo(10 + 0.3 * 10);
    expect(speed.expectedMs(130, 13)).toBeCloseTo(1000 + 1000);
  });
});
