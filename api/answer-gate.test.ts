import { describe, expect, it } from 'vitest';
import { isCiteboxError } from '../services/index.js';
import { AnswerGate, gateAnswers } from './answer-gate.js';
import type { AnswerPort } from './deps.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('AnswerGate', () => {
  it('runs up to `concurrency` at once, queues up to `queue`, refuses the rest with BUSY', async () => {
    const changes: Array<[number, number]> = [];
    const gate = new AnswerGate({ concurrency: 2, queue: 1, onChange: (r, w) => changes.push([r, w]) });
    const a = await gate.acquire();
    const b = await gate.acquire();
    let cGranted = false;
    const c = gate.acquire().then((release) => {
      cGranted = true;
      return release;
    });
    await tick();
    expect([gate.running, gate.waiting, cGranted]).toEqual([2, 1, false]);
    const refused = await gate.acquire().catch((err: unknown) => err);
    expect(isCiteboxError(refused) && refused.code).toBe('BUSY');
    expect(isCiteboxError(refused) && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    a();
    const releaseC = await c;
    expect([gate.running, gate.waiting, cGranted]).toEqual([2, 0, true]);
    a(); // a second release of the same slot changes nothing
    expect(gate.running).toBe(2);
    b();
    releaseC();
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
    expect(changes.at(-1)).toEqual([0, 0]);
  });

  it('grants waiters first come, first served', async () => {
    const gate = new AnswerGate({ concurrency: 1, queue: 10 });
    const first = await gate.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      gate.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    first();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('drops a waiter whose signal aborts, with the abort reason', async () => {
    const gate = new AnswerGate({ concurrency: 1, queue: 5 });
    const held = await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal).catch((err: unknown) => err);
    await tick();
    expect(gate.waiting).toBe(1);
    controller.abort(new Error('gone'));
    expect(((await waiting) as Error).message).toBe('gone');
    expect(gate.waiting).toBe(0);
    held();
    expect(gate.running).toBe(0);
  });

  it('refuses at once when the queue is 0 and every slot is taken', async () => {
    const gate = new AnswerGate({ concurrency: 1, queue: 0 });
    const held = await gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({ code: 'BUSY' });
    held();
    (await gate.acquire())();
  });

  it('holds a slot for the whole of a gated stream and frees it when the stream ends early', async () => {
    const gate = new AnswerGate({ concurrency: 1, queue: 0 });
    const answers: AnswerPort = {
      answer: async () => {
        throw new Error('unused');
      },
      async *stream() {
        yield { type: 'delta', text: 'a' };
        yield { type: 'delta', text: 'b' };
      },
    };
    const gated = gateAnswers(answers, gate);
    const it = gated.stream({ query: 'q' })[Symbol.asyncIterator]();
    await it.next();
    expect(gate.running).toBe(1);
    await it.return?.(undefined);
    expect(gate.running).toBe(0);
  });
});
