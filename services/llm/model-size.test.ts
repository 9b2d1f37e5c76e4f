import { describe, expect, it } from 'vitest';
import { modelParamsBillions } from './model-size.js';

describe('modelParamsBillions', () => {
  it.each([
    ['qwen2.5:0.5b', 0.5],
    ['qwen2.5-coder-1.5b', 1.5],
    ['qwen2.5-coder-1.5b-instruct-q4_k_m', 1.5],
    ['qwen2.5:7b-instruct', 7],
    ['Qwen/Qwen2.5-7B-Instruct', 7],
    ['smollm2-135m', 0.135],
    ['SmolLM2-360M-Instruct', 0.36],
    ['llama3.2:1b', 1],
    ['phi3:3.8b', 3.8],
    ['gemma2:27b', 27],
    ['gpt-4o-mini', undefined],
    ['mixtral:8x7b', undefined],
    ['qwen2.5', undefined],
    ['deepseek-r1', undefined],
  ])('%s → %s', (name, billions) => {
    expect(modelParamsBillions(name)).toBe(billions);
  });
});
