// How fast the configured model reads a prompt and writes a reply, learnt from the calls Citebox
// makes: the answer pipeline sizes the sources it sends so that the model can start answering
// within a target time (a small model on a CPU reads ~50 tokens a second, a GPU server thousands),
// and leaves out side calls the model is too slow for. Figures come from the server's own timings
// when it reports them (llama.cpp's server), otherwise from the tokens it reports used and the time
// to the first token. Pure.

/** What one call took. */
export interface CallTiming {
  /** Prompt tokens, as the server counted them. */
  readonly promptTokens: number;
  /** Of those, the ones the server had cached (not evaluated again). */
  readonly cachedTokens?: number | undefined;
  /** From sending the request to the first generated text, ms. */
  readonly firstTokenMs?: number | undefined;
  readonly completionTokens?: number | undefined;
  /** From the first generated text to the end, ms. */
  readonly generationMs?: number | undefined;
  /** The server's own figures (llama.cpp's `timings`): prompt tokens evaluated and their ms. */
  readonly serverPromptTokens?: number | undefined;
  readonly serverPromptMs?: number | undefined;
}

/** Weight of the newest call in the running averages. */
const ALPHA = 0.3;
/** Calls that evaluate fewer prompt tokens than this say more about overheads than about speed. */
const MIN_PROMPT_SAMPLE = 64;
const MIN_COMPLETION_SAMPLE = 16;

export class ModelSpeed {
  #prefill: number | undefined;
  #decode: number | undefined;
  #samples = 0;
  #cachesPrompt = false;

  /** Prompt tokens evaluated per second (undefined until a call has shown it). */
  get prefillTokensPerSecond(): number | undefined {
    return this.#prefill;
  }

  /** Tokens generated per second. */
  get decodeTokensPerSecond(): number | undefined {
    return this.#decode;
  }

  /** The server was seen to reuse a cached prompt prefix. */
  get cachesPrompt(): boolean {
    return this.#cachesPrompt;
  }

  get samples(): number {
    return this.#samples;
  }

  observe(call: CallTiming): void {
    const cached = call.cachedTokens ?? 0;
    if (cached > 0) this.#cachesPrompt = true;
    let prefill: number | undefined;
    if (
      call.serverPromptTokens !== undefined &&
      call.serverPromptMs !== undefined &&
      call.serverPromptTokens >= MIN_PROMPT_SAMPLE &&
      call.serverPromptMs > 0
    ) {
      prefill = (call.serverPromptTokens / call.serverPromptMs) * 1000;
    } else if (call.firstTokenMs !== undefined && call.firstTokenMs > 0) {
      // The time to the first token also holds the network and the first token itself: a rate on
      // the slow side, which is the safe side here.
      const evaluated = call.promptTokens - cached;
      if (evaluated >= MIN_PROMPT_SAMPLE) prefill = (evaluated / call.firstTokenMs) * 1000;
    }
    if (prefill !== undefined && Number.isFinite(prefill)) {
      this.#prefill =
        this.#prefill === undefined ? prefill : this.#prefill + ALPHA * (prefill - this.#prefill);
      this.#samples++;
    }
    const completion = call.completionTokens ?? 0;
    if (completion >= MIN_COMPLETION_SAMPLE && call.generationMs !== undefined && call.generationMs > 0) {
      const decode = ((completion - 1) / call.generationMs) * 1000;
      if (Number.isFinite(decode) && decode > 0) {
        this.#decode = this.#decode === undefined ? decode : this.#decode + ALPHA * (decode - this.#decode);
      }
    }
  }

  /**
   * How long a call is expected to take, ms: reading `promptTokens` new tokens and writing
   * `replyTokens`; undefined while the speeds are unknown.
   */
  expectedMs(promptTokens: number, replyTokens: number): number | undefined {
    if (this.#prefill === undefined || this.#decode === undefined) return undefined;
    return (promptTokens / this.#prefill + replyTokens / this.#decode) * 1000;
  }
}
