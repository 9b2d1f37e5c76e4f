// How big a model is, read from its name as servers and hubs spell it (`qwen2.5:0.5b`,
// `qwen2.5-coder-1.5b-instruct`, `SmolLM2-135M`, `Qwen/Qwen2.5-7B-Instruct`). Small models answer
// worse than Citebox's extractive answers on every set measured (docs/answers.md), so `auto`
// mode leaves them out. Pure.

const SIZE = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)\s*([bm])(?![a-z0-9])/gi;

/** Billions of parameters the name states, or undefined when it states none (`gpt-4o-mini`). */
export function modelParamsBillions(name: string): number | undefined {
  let found: number | undefined;
  for (const m of name.matchAll(SIZE)) {
    const n = Number(m[1]) / ((m[2] as string).toLowerCase() === 'm' ? 1000 : 1);
    // Mixtures (`8x7b`) never match; of several sizes in a name the largest counts.
    if (Number.isFinite(n) && n > 0) found = Math.max(found ?? 0, n);
  }
  return found;
}
