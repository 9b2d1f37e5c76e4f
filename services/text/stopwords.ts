// Stop words per language: words too common to carry meaning in a query. They stay in the index
// (so "to be or not to be" can still be found, and phrases keep their gaps) and are dropped from
// queries by the query's language.

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter((w) => w.length > 0));
}

export const ENGLISH_STOP_WORDS: ReadonlySet<string> = words(`
  a an and are as at be been being but by can could did do does doing for from had has have having he her
  here hers him his how i if in into is it its itself me my of on or our ours she should so than that the their
  theirs them then there these they this those to too us was we were what when where which while who whom why
  will with would you your yours about after again against all am any because before below between both during
  each few further more most no nor not now off once only other out over own same some such through under until
  up very just also s t
  don't doesn't didn't isn't aren't wasn't weren't can't won't wouldn't shouldn't couldn't haven't hasn't
  hadn't i'm i've i'd i'll you're you've you'd it's that's there's let's`);

/** Chinese function words (as the segmenters emit them) that carry no meaning in a query. */
export const CHINESE_STOP_WORDS: ReadonlySet<string> = words(`
  的 了 是 在 和 与 及 或 也 都 就 而 之 于 为 被 把 对 从 以 其 这 那 个 些 什么 哪 哪个 哪些 谁 多少 何 吗 呢 吧 啊
  么 怎么 怎样 如何 为什么 有 一个 是什么 什么样 哪里 哪儿 何时`);

const OTHER_STOP_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  de: words(`der die das den dem des ein eine einen einem einer eines und oder aber ist sind war waren wird werden
    wurde wurden hat haben hatte zu zum zur im in am an auf aus bei mit nach von vor für über um wie was wer wo
    wann warum welche welcher welches nicht kein keine es sie er ich du wir ihr sich auch als noch nur so dass`),
  fr: words(`le la les l un une des du de d et ou mais est sont était été être a ont avait au aux en dans par pour
    sur avec sans sous que qui quoi quel quelle quels quelles comment pourquoi où quand ne pas il elle ils elles
    on je tu nous vous se ce cette ces son sa ses leur leurs y`),
  es: words(`el la los las un una unos unas y o pero es son era fue ser está están ha han había de del al en por
    para con sin sobre que qué quien quién cual cuál cómo como cuándo dónde por qué no se su sus lo le les este
    esta estos estas ese esa`),
  it: words(`il lo la i gli le un uno una e o ma è sono era stato essere ha hanno di del della dei delle al alla
    in da per con su che chi cosa come quando dove perché non si suo sua questo questa`),
  pt: words(`o a os as um uma uns umas e ou mas é são era foi ser está estão tem têm de do da dos das no na nos
    nas em por para com sem sobre que quem qual como quando onde porque não se seu sua este esta isso`),
  nl: words(`de het een en of maar is zijn was waren wordt worden werd heeft hebben had van in op aan met voor
    door bij uit naar over om te dat die wat wie waar wanneer waarom hoe niet geen er ook als`),
};

/** The stop words of a language (primary tag); English for unknown or Latin-script languages. */
export function stopWordsFor(lang: string | undefined): ReadonlySet<string> {
  if (lang === 'zh' || lang === 'ja') return CHINESE_STOP_WORDS;
  return (lang !== undefined ? OTHER_STOP_WORDS[lang] : undefined) ?? ENGLISH_STOP_WORDS;
}
