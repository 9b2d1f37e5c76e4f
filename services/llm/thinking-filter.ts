// Reasoning models served through OpenAI-compatible servers (DeepSeek-R1, Qwen3 on Ollama or
// llama.cpp) may open their reply with a <think>…</think> block. It is not part of the answer:
// this streaming filter drops it, whatever chunk boundaries the tags fall on.

const OPEN_TAGS = ['<think>', '<thinking>'] as const;

export class ThinkingFilter {
  /** 'start': the reply's opening is still undecided; 'inside': within the block; 'pass': answer text. */
  #state: 'start' | 'inside' | 'pass' = 'start';
  #buffer = '';
  #close = '';
  /** After the block, the whitespace that separated it from the answer is dropped too. */
  #trimLeading = false;

  /** Feeds a chunk; returns the text that belongs to the answer. */
  push(chunk: string): string {
    if (this.#state === 'pass' && !this.#trimLeading) return chunk;
    this.#buffer += chunk;
    let out = '';
    for (;;) {
      if (this.#state === 'start') {
        const head = this.#buffer.trimStart();
        const tag = OPEN_TAGS.find((t) => head.toLowerCase().startsWith(t));
        if (tag) {
          this.#state = 'inside';
          this.#close = `</${tag.slice(1)}`;
          this.#buffer = head.slice(tag.length);
          continue;
        }
        // Could the opening still become a tag? Wait for more.
        if (head.length === 0 || OPEN_TAGS.some((t) => t.startsWith(head.toLowerCase()))) return out;
        this.#state = 'pass';
        out += this.#buffer;
        this.#buffer = '';
        return out;
      }
      if (this.#state === 'inside') {
        const at = this.#buffer.toLowerCase().indexOf(this.#close);
        if (at < 0) {
          // Keep only what could be the start of the closing tag.
          this.#buffer = this.#buffer.slice(Math.max(0, this.#buffer.length - this.#close.length));
          return out;
        }
        this.#buffer = this.#buffer.slice(at + this.#close.length);
        this.#state = 'pass';
        this.#trimLeading = true;
        continue;
      }
      // pass, trimming the whitespace after the block
      const trimmed = this.#buffer.trimStart();
      if (trimmed.length === 0) return out;
      this.#trimLeading = false;
      this.#buffer = '';
      return out + trimmed;
    }
  }

  /** Whatever is left at the end of the reply (an unclosed block is dropped). */
  end(): string {
    const rest = this.#state === 'start' ? this.#buffer : '';
    this.#buffer = '';
    return rest;
  }
}
