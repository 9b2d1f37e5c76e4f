// How a process that only crawls (`citebox crawl`) tunes V8 for that work. Pure of Citebox imports,
// so a child process can load it on its own (the test does).
//
// A crawl is short-lived and its hot code changes from page to page: V8's optimizing compiler
// (TurboFan) spent more CPU compiling the crawl's functions than its code saved. Measured with
// `npm run bench:crawl`, four to six rounds alternated: the Git manual (216 pages) 166–176 →
// 180–201 pages/s with 1.8–1.9 → 1.5–1.7 s of CPU; the SQLite manual (708 pages) 230–271 →
// 258–265 pages/s, 3.3–4.1 → 3.2–3.3 s; a 5,000-page generated site the same (696–706 vs
// 698–709 pages/s). Its mid-tier compiler (Maglev) still optimizes the hot code. A server keeps
// TurboFan: answers cost 6–12 % more CPU without it.
import { setFlagsFromString } from 'node:v8';

/** Turns V8's top-tier compiler off for the rest of this process (its threads included). */
export function tuneCrawlProcess(): void {
  setFlagsFromString('--no-turbofan');
}
