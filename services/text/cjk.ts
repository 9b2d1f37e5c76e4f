// Segmentation of Chinese and Japanese runs (scripts written without spaces). Three ways, chosen
// by measurement (docs/retrieval.md): overlapping character bigrams (the default: no dictionary,
// robust to names and new words), the ICU dictionary behind Intl.Segmenter, and jieba.
import { createRequire } from 'node:module';

export type CjkSegmentation = 'bigram' | 'icu' | 'jieba' | 'jieba-search';

export const CJK_SEGMENTATIONS: readonly CjkSegmentation[] = ['bigram', 'icu', 'jieba', 'jieba-search'];

const KANA = /[\u3040-\u30ff\u31f0-\u31ff]/u;
const zhSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const jaSegmenter = new Intl.Segmenter('ja', { granularity: 'word' });

interface JiebaLike {
  cut(sentence: string, hmm?: boolean): string[];
  cutForSearch(sentence: string, hmm?: boolean): string[];
}
let jieba: JiebaLike | undefined;

/** Loads jieba and its dictionary on first use (about 100 ms), so the default costs nothing. */
function jiebaInstance(): JiebaLike {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaLike } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Emits the tokens of one run of Han / Kana characters. */
export function segmentCjkRun(run: string, how: CjkSegmentation, emit: (token: string) => void): void {
  if (how === 'bigram') {
    const chars = run.length === [...run].length ? undefined : [...run];
    const n = chars ? chars.length : run.length;
    if (n === 1) {
      emit(run);
      return;
    }
    for (let i = 0; i + 1 < n; i++) emit(chars ? `${chars[i]}${chars[i + 1]}` : run.slice(i, i + 2));
    return;
  }
  if (how === 'icu' || KANA.test(run)) {
    // jieba's dictionary is Chinese; Japanese (any kana) goes to ICU, which knows both.
    const segmenter = KANA.test(run) ? jaSegmenter : zhSegmenter;
    for (const seg of segmenter.segment(run)) if (seg.isWordLike) emit(seg.segment);
    return;
  }
  const words = how === 'jieba' ? jiebaInstance().cut(run, true) : jiebaInstance().cutForSearch(run, true);
  for (const w of words) if (w.trim().length > 0) emit(w);
}
