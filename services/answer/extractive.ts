// Extractive answers: the sentences of the top passages most likely to hold the answer, each
// followed by the [n] of its passage, within a word budget. Without a language model this is the
// answer, so it is tuned to contain the answer itself, not just to talk about the question:
// sentences are scored by the question's rarer words they hold, by the question's word pairs they
// keep together, by holding the kind of answer asked for (a year, a number, a name, a default, a
// limit, a version) that is not already in the question, by being about the identifiers the
// question names (`core.autocrlf`, `--name-only`), and by the rank of their passage.
//
// Structure counts: a sentence of a definition-list entry leads with its term when it does not name
// it ("`--name-only` — Show only names of changed files"); a table row is a unit of its own; code
// is a unit too, shown as code (the lines that match, fenced), and a how-to question gets the
// command or code that does it. Prose stays within the word budget; a code block may follow.
// Pure: ranked passages in, Markdown out.
import {
  CJK_CHAR,
  collapseSpaces,
  englishStem,
  forEachWord,
  isAscii,
  isStopWord,
  namesShapedIdentifier,
  normalizeForMatch,
  parseFence,
  queryTerms,
  splitParagraphs,
  splitSentences,
  TextMemo,
  trimWordEdges,
  wordTokens,
} from '../text/index.js';
import { identifierParts } from './citation-verifier.js';
import {
  type AnswerType,
  answerTypeOf,
  asksHowTo,
  definitionSubject,
  holdsIdentifier,
  questionIdentifiers,
} from './question.js';

export { type AnswerType, answerTypeOf, definitionSubject } from './question.js';

export interface ExtractiveInput {
  readonly query: string;
  /** Retrieved passages, best first; `n` is the number the answer cites. */
  readonly passages: ReadonlyArray<{
    readonly n: number;
    readonly text: string;
    readonly title?: string | undefined;
    readonly headings?: readonly string[] | undefined;
    /** The passage's structure: a definition-list entry (its term is the last heading), table rows. */
    readonly kind?: 'text' | 'term' | 'table' | undefined;
    /** Its retrieval rank (0 = best), when not its place in this list. */
    readonly rank?: number | undefined;
  }>;
  /** Answer length budget in words (word tokens; Chinese and Japanese are segmented into words). */
  readonly maxWords?: number;
  /** Below this share of the question's term weight covered by the best sentence, no answer. */
  readonly minCoverage?: number;
  /** Scoring weights (for evaluation runs; the defaults are the tuned ones). */
  readonly weights?: Partial<ExtractiveWeights> | undefined;
  /**
   * Weights of the question's terms (their rarity) measured over a wider set of passages than
   * these, when these were chosen among more (passageAnswerScores): rarity over five passages says
   * less than over fifteen.
   */
  readonly termWeights?: ReadonlyMap<string, number> | undefined;
}

export interface ExtractiveAnswer {
  /** Markdown; empty when nothing answers the question well enough. */
  readonly text: string;
  /** The source numbers cited, in order of first use. */
  readonly cited: readonly number[];
  /** Share (0..1) of the question's weighted terms covered by the best sentence. */
  readonly coverage: number;
}

/** Words that name the kind of answer wanted ("year", "many") and are not evidence themselves. */
const TYPE_WORDS = new Set(
  'year years date century decade time many much number percentage percent amount name named called type kind sort term word'.split(
    ' ',
  ),
);

const HOW_TO =
  /^(?:to [^,]{2,60}, )?(?:you can |just )?(?:run|use|set|add|start|open|point|pass|give|call|send|install|copy|put|create|enable|disable|change|edit|write|ask|crawl|type|click|choose|pick|export|configure|delete|remove|stop|restart|back up|restore|mount|build|deploy|upgrade|install)\b/i;
const MONTHS = /\b(january|february|march|april|may|june|july|august|september|october|november|december)\b/i;
const NUMBER_WORDS =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b/i;

/**
 * Whether a sentence holds an answer of the asked type that the question does not already hold:
 * "What year…" wants a year the question does not name.
 */
function holdsAnswerType(
  sentence: string,
  type: AnswerType,
  question: ReadonlySet<string>,
  subject: string | undefined,
): boolean {
  const fresh = (token: string) => !question.has(normalizeForMatch(token));
  switch (type) {
    case 'howto':
      // Instructions: "Run …", "To crawl a site, run …", "Set X to …", or a command shown as code.
      return HOW_TO.test(sentence) || /`[^`\s]+\s[^`]+`/.test(sentence);
    case 'default':
      // "… defaults to 90 days", "The default is 5", "… (default: true)", "off by default", "a comma
      // is used if Y is omitted".
      return (
        /\bdefault(s|ed)?\b|\bby default\b|\bthe usual\b|\bnormally\b|\bunless (?:\w+ ){0,3}(?:specified|given|set|configured)\b|\b(?:if|when) (?:[\w-]+ ){0,3}(?:is |are )?(?:omitted|left out|absent|missing|unspecified|not (?:given|specified|set|provided|present|supplied))\b|默认|缺省|省略|未指定|不指定/i.test(
          sentence,
        ) &&
        (/\d/.test(sentence) ||
          NUMBER_WORDS.test(sentence) ||
          /\b(true|false|yes|no|none|null|off|on|enabled?|disabled?|unset|empty|infinite|unlimited|never|always)\b|"[^"]+"|`[^`]+`|'[^']+'|\b(?:is|are) set to \S|\bdefaults? (?:to|is) \S|\bdefault: \S/i.test(
            sentence,
          ))
      );
    case 'limit': {
      // A range of numbers states its bounds ("001-366", "0 to 255").
      if (/\d\s*(?:-|–|to)\s*\d/.test(sentence)) return true;
      if (
        !/\b(max(imum)?|min(imum)?|limit(s|ed)?|at most|at least|up to|range|between|no more than|no less than|largest|smallest|cannot exceed|must not exceed|exceed)\b|最大|最小|上限|不超过/i.test(
          sentence,
        ) &&
        // "… does not support joins containing more than 64 tables": a bound, said by negation.
        !/\b(?:not|cannot|can't|never)\b(?:\s+\S+){0,4}?\s+(?:more|larger|longer|greater|bigger|fewer|less|smaller) than\b/i.test(
          sentence,
        )
      )
        return false;
      for (const m of sentence.matchAll(/\d[\d,.]*/g)) if (fresh(m[0].replace(/[.,]$/, ''))) return true;
      return NUMBER_WORDS.test(sentence);
    }
    case 'version': {
      for (const m of sentence.matchAll(/\b\d+\.\d+(?:\.\d+)*\b/g)) if (fresh(m[0])) return true;
      return /\bversion \d+\b/i.test(sentence);
    }
    case 'yesno':
      return false;
    case 'definition': {
      // "Citebox is a …", "Citebox, a …, is …", "长城是…"
      if (!subject) return false;
      const s = normalizeForMatch(sentence);
      const at = s.indexOf(subject);
      if (at < 0 || at > 4) return false;
      return /^(?:\s*(?:is|are|was|were|means|refers|stands)\b|\s*,|\s*\(|\s*是)/u.test(
        s.slice(at + subject.length),
      );
    }
    case 'time': {
      for (const m of sentence.matchAll(/\b(1[0-9]{3}|20[0-9]{2})s?\b|\d+\s*(?:年|世纪)/g))
        if (fresh(m[0])) return true;
      return MONTHS.test(sentence) || /\bcentur(y|ies)\b|\bBC\b|\bAD\b/.test(sentence);
    }
    case 'number': {
      for (const m of sentence.matchAll(/\d[\d,.]*/g)) if (fresh(m[0].replace(/[.,]$/, ''))) return true;
      return NUMBER_WORDS.test(sentence) || /[一二三四五六七八九十百千万亿两]/.test(sentence);
    }
    case 'place':
      // On documentation a place is often a path or a file ("~/.git-credentials", "$GIT_DIR/hooks").
      return PATH_LIKE.test(sentence) || freshName(sentence, fresh);
    case 'person':
      return freshName(sentence, fresh);
    case 'other':
      return false;
  }
}

const PATH_LIKE =
  /(^|[\s`(])[~$.]?[\w.$-]*\/[\w./$*-]+|\b[\w-]+\.(conf|config|json|ya?ml|toml|ini|txt|log|db|sqlite|cfg|rc)\b/;

/** A capitalised word inside the sentence that the question does not contain. */
function freshName(sentence: string, fresh: (token: string) => boolean): boolean {
  for (const m of sentence.matchAll(/(?<=\S\s+)\p{Lu}[\p{L}'’.-]+/gu)) if (fresh(m[0])) return true;
  return false;
}

/**
 * The analysis of the passages' texts, kept for the next answers that read them (a popular page is
 * read by many questions): sentences and their tokens are the most of an extractive answer's work.
 */
const ANALYZED = new TextMemo<AnalyzedText>(4096, 4000);
const PROSE = new TextMemo<boolean>(4096, 4000);
const SENTENCES = new TextMemo<readonly string[]>(2048);

/** Whether a sentence reads as prose (not a command line, URL, code or table debris). */
export function looksLikeProse(sentence: string): boolean {
  return PROSE.get(sentence, proseLike);
}

function proseLike(raw: string): boolean {
  // Inline code is a word of its sentence ("If none of these files exist, `~/.git-credentials`
  // will be created."): a short code span counts as one word, whatever characters it holds.
  const sentence = raw.replace(/`[^`\n]{1,60}`/g, 'code');
  // Semicolons are prose (list items end with them), and so is a setting written NAME=value;
  // a call closed with `);`, braces, spaced operators and command lines are code.
  if (
    /[{}]|\s=\s|==|=>|\$\(|&&|\);|^\s*(?:curl|npm|npx|node|docker|git|sudo|cd|export)\s|^\s*[A-Z][A-Z0-9_]*=\S*\s/.test(
      sentence,
    )
  ) {
    return false;
  }
  // A command line: two or more options (`-m x --port 8081`).
  if ((sentence.match(/(?:^|\s)--?[a-z][\w-]*/gi)?.length ?? 0) >= 2) return false;
  const compact = sentence.replace(/\s+/g, '');
  if (compact.length === 0) return false;
  // Underscores are left out: setting names (CITEBOX_DATA_DIR) are prose in documentation.
  const odd = compact.match(/[<>|\\/*#@^~`+[\]]/g)?.length ?? 0;
  const letters = compact.match(/\p{L}/gu)?.length ?? 0;
  // Figures are words of prose too ("renders as 3132333435363738"), as long as words remain.
  const digits = compact.match(/\p{Nd}/gu)?.length ?? 0;
  return (
    odd / compact.length <= 0.05 &&
    (letters + digits) / compact.length >= 0.6 &&
    letters / compact.length >= 0.3
  );
}

/** What a candidate is: a prose sentence, a table row, or a code block. */
type Unit = 'sentence' | 'row' | 'code';

interface Candidate {
  readonly n: number;
  readonly rank: number;
  readonly position: number;
  readonly unit: Unit;
  /** The term of the definition-list entry it belongs to. */
  readonly term?: string | undefined;
  /** A code unit's language. */
  readonly lang?: string | undefined;
  /** How much it is about the question's identifiers (0..1): named in its term or heading, or in it. */
  subject: number;
  /** A code block that follows the sentence in its passage (it ends with a colon, or announces it). */
  codeAfter?: Candidate;
  /**
   * The sentence is the caption of that code: a short paragraph of its own right before it
   * ("Compute the last day of the current month." over the statement that does it), which says
   * little without the code.
   */
  caption?: boolean;
  /** The version its release note is under ("Changes in version 3.35.0:", a heading), if any. */
  version?: string;
  /** That version is the one its page is about (its title names it). */
  ownRelease?: boolean;
  readonly text: string;
  readonly words: number;
  /** Word tokens: stem and where each sits in `text`. */
  readonly tokens: readonly Token[];
  readonly stemSet: ReadonlySet<string>;
  readonly lower: string;
  /** Stems of the passage's title and headings. */
  readonly topic: ReadonlySet<string>;
  /** Stems of the passage's innermost heading when it is a question (an FAQ entry). */
  readonly askedBy?: ReadonlySet<string> | undefined;
  typed: boolean;
  coverage: number;
  score: number;
  next?: Candidate;
  previous?: Candidate;
  /** The command that follows a sentence ending in a colon. */
  continuation?: string;
}

interface Token {
  readonly stem: string;
  readonly start: number;
  readonly end: number;
}

function stemsOfText(text: string): string[] {
  return wordTokens(text).map(englishStem);
}

/** What a candidate's text gives whatever the question: its tokens, their stems (with identifier parts), its lower case. */
interface AnalyzedText {
  readonly tokens: readonly Token[];
  readonly stemSet: ReadonlySet<string>;
  readonly lower: string;
}

function analyzeText(text: string): AnalyzedText {
  const tokens = tokenizeText(text);
  return {
    tokens,
    stemSet: identifierParts(
      tokens.map((t) => t.stem),
      englishStem,
    ),
    lower: normalizeForMatch(text),
  };
}

/** Word tokens of a text with their offsets (normalized and stemmed like wordTokens + englishStem). */
function tokenize(text: string): readonly Token[] {
  return ANALYZED.get(text, analyzeText).tokens;
}

function tokenizeText(text: string): Token[] {
  const out: Token[] = [];
  // NFKC leaves ASCII as it is, so ASCII text is lower-cased once, not token by token.
  const lower = isAscii(text) ? text.toLowerCase() : undefined;
  forEachWord(text, (start, end) => {
    const token = trimWordEdges(lower ? lower.slice(start, end) : normalizeForMatch(text.slice(start, end)));
    if (token.length > 0) out.push({ stem: englishStem(token), start, end });
  });
  return out;
}

export interface ScoredSentence {
  readonly n: number;
  readonly text: string;
  readonly score: number;
  readonly coverage: number;
}

const MIN_SENTENCE_WORDS = 4;
/** A heading that is a name rather than a title: one token with a dot, dash, underscore or parentheses. */
const IDENTIFIER_LABEL = /^[$.-]?[A-Za-z_][\w.$<>:/-]*[-_.(][\w.$<>:/()-]*$/;
/** A line that names the version the notes after it belong to. */
const VERSION_LINE = /^(?:changes|release|version|new)\b[^.]{0,40}\b\d+\.\d+(?:\.\d+)*\b[^.]{0,30}[:：]?$/i;
const MAX_SENTENCES = 4;

/** Weights of the scoring (tuned on SQuAD and XQuAD dev through `npm run eval:answers`). */
export const EXTRACTIVE_WEIGHTS = {
  /** Question word pairs the sentence keeps together. */
  pairs: 0.3,
  /** The sentence holds an answer of the asked type (a year for "when") not in the question. */
  typed: 0.2,
  /** The same for a definition ("X is …") or an instruction ("Run …"), which are the answer. */
  typedStrong: 0.5,
  /** Passage rank: 1/(1 + rank) times this. */
  rank: 0.4,
  /** Position in the passage: 1/(1 + position) times this. */
  position: 0.02,
  /** Weighted question terms within one 12-word window (how close together the matches are). */
  density: 0.2,
  /** Per word beyond 25, against long sentences that match by sheer length. */
  length: 0.1,
  /** Share of the previous sentence's coverage a sentence inherits (answers follow their setup). */
  after: 0.2,
  /** Share of the next sentence's coverage a sentence inherits. */
  before: 0.1,
  /** Weight of a question term found in the passage's title or headings (the page's topic). */
  titleTerm: 0.5,
  /** Below this coverage, a question for a stated value that no sentence states is not answered. */
  statedCoverage: 0.5,
  /** An FAQ entry whose question holds the question's words (× the weighted share it holds). */
  questionHeading: 0.8,
  /** A release note on the page of its own release (not a later page repeating it). */
  ownRelease: 0.25,
  /** Share of a title or heading term's weight a sentence of that passage gets without holding it. */
  topicCredit: 0.5,
  /** Being about the identifiers the question names (in the term or heading: 1, in the text: up to 0.5). */
  subject: 0.6,
  /** Holding, as written, an expression the question quotes (a call with its arguments: `hex(12345678)`). */
  expression: 0.6,
  /** Sentences scoring below this share of the best one are not added to fill the budget. */
  fillRatio: 0.3,
  /** Least coverage of the question for a sentence added after the best one. */
  fillCoverage: 0.2,
  /** Longest part of the answer in words; longer sentences are cut to their best window. */
  partWords: 60,
  /** A cut sentence shorter than this says too little to be worth its place. */
  minPart: 8,
  /** Weight (× the mean term weight) that pulls a cut's window towards words of the asked type. */
  typedToken: 1,
};

export type ExtractiveWeights = typeof EXTRACTIVE_WEIGHTS;

/** Word count as the budget counts it. */
export function answerWordCount(text: string): number {
  return wordTokens(text).length;
}

interface Prepared {
  readonly candidates: Candidate[];
  readonly terms: readonly string[];
  readonly weights: ReadonlyMap<string, number>;
  readonly type: AnswerType;
}

/**
 * A question's phrasal verbs in the words documentation uses for them: "turn on X" / "switch X on"
 * is to enable X, "turn off" to disable (the manuals say "To enable …, run …").
 */
export function plainVerbs(question: string): string {
  return question
    .replace(/\b(?:turn|switch)(?:s|ed|ing)? (on|off)\b/gi, (_, on: string) =>
      on.toLowerCase() === 'on' ? 'enable' : 'disable',
    )
    .replace(
      /\b(?:turn|switch)(?:s|ed|ing)? ((?:[\w-]+ ){1,4})(on|off)\b/gi,
      (_, what: string, on: string) => `${on.toLowerCase() === 'on' ? 'enable' : 'disable'} ${what.trim()}`,
    );
}

function prepare(input: ExtractiveInput, maxWords: number): Prepared | undefined {
  const type = answerTypeOf(input.query);
  const expressions = quotedExpressions(input.query);
  const subject = definitionSubject(input.query);
  const questionTokens = new Set(wordTokens(input.query));
  const identifiers = questionIdentifiers(input.query);
  let terms = [
    ...new Set(
      queryTerms(plainVerbs(input.query))
        .filter((t) => !TYPE_WORDS.has(t))
        .map(englishStem),
    ),
  ];
  if (terms.length === 0) terms = [...new Set(queryTerms(input.query).map(englishStem))];
  if (terms.length === 0 || input.passages.length === 0) return undefined;

  const candidates: Candidate[] = [];
  input.passages.forEach((passage, index) => {
    const rank = passage.rank ?? index;
    let previous: Candidate | undefined;
    /** The last sentence read (prose or not), for a code block it may announce. */
    let lastSentence: Candidate | undefined;
    /** The last paragraph's sentence when it is a short paragraph of one sentence (a caption). */
    let captionSentence: Candidate | undefined;
    const kind = passage.kind ?? 'text';
    // A definition's term; for "which hook / option / command …", also a section named like one
    // (`pre-push`, `core.hooksPath`): the name is the answer its sentences leave out.
    const inner = passage.headings?.at(-1);
    const term =
      kind === 'term'
        ? inner
        : type === 'howto' && inner && IDENTIFIER_LABEL.test(inner.trim())
          ? inner.trim()
          : undefined;
    const termStems = term ? stemsOfText(term) : undefined;
    let versionLine: string | undefined;
    // Release notes: a page or section named by a version and a word like "release".
    const names = [passage.title ?? '', ...(passage.headings ?? [])].join('\n');
    const releaseNotes =
      /\b\d+\.\d+(\.\d+)*\b/.test(names) &&
      /\b(release|version|changes|change ?log|news|history)\b/i.test(names);
    const versionLabel = type === 'version' && releaseNotes;
    // The innermost heading that names a version, else the title.
    const versionHeading = [...(passage.headings ?? [])]
      .reverse()
      .concat(passage.title ?? '')
      .find((h) => /\b\d+\.\d+/.test(h));
    const topic = identifierParts(
      stemsOfText([passage.title ?? '', ...(passage.headings ?? [])].join(' ')),
      englishStem,
    );
    // Identifiers named in the passage's term or innermost heading make it about them; named in
    // its text, a little.
    const label = `${term ?? passage.headings?.at(-1) ?? ''}\n${passage.title ?? ''}`.toLowerCase();
    // An option of another command's manual page is a namesake: "git status --short" is not about
    // git-commit(1)'s `--short`, though that entry is named by it.
    const namesake = optionOfOtherCommand(input.query, passage.title);
    const inLabel = identifiers.filter(
      (id) => holdsIdentifier(label, id) && !(namesake && id.startsWith('-')),
    );
    const subjectOf = (text: string): number => {
      if (identifiers.length === 0) return 0;
      const lower = text.toLowerCase();
      const inText = identifiers.filter((id) => !inLabel.includes(id) && holdsIdentifier(lower, id)).length;
      return (inLabel.length + 0.5 * inText) / identifiers.length;
    };
    const innerHeading = passage.headings?.at(-1)?.trim() ?? '';
    // A heading that asks the question (an FAQ's) or, for a how-to, names the task in words
    // ("Undo a commit and redo", an example's title): its text is what the question is about.
    const asks =
      /[?？]$/.test(innerHeading) ||
      (asksHowTo(input.query) && taskHeading(innerHeading) && !IDENTIFIER_LABEL.test(innerHeading));
    const askedBy = asks ? new Set(stemsOfText(innerHeading)) : undefined;
    let position = 0;
    /** The term's words go with the first unit of its definition, the one that defines it. */
    let termWords = termStems;
    const make = (text: string, unit: Unit, lang?: string): Candidate => {
      const own = termWords;
      termWords = undefined;
      const analyzed = ANALYZED.get(text, analyzeText);
      const tokens = analyzed.tokens;
      return {
        n: passage.n,
        rank,
        position: position++,
        unit,
        ...(term ? { term } : {}),
        ...(lang ? { lang } : {}),
        subject: subjectOf(text),
        text,
        words: tokens.length,
        tokens,
        // A definition's first sentence is about its term: its words count as that sentence's.
        stemSet: own
          ? identifierParts([...tokens.map((t) => t.stem), ...own], englishStem)
          : analyzed.stemSet,
        lower: analyzed.lower,
        topic,
        ...(askedBy ? { askedBy } : {}),
        typed:
          unit === 'code'
            ? false
            : holdsAnswerType(text, type, questionTokens, subject) ||
              // Release notes: the version is in the heading, each note under it.
              (type === 'version' && versionLabel),
        coverage: 0,
        score: 0,
      };
    };
    for (const paragraph of splitParagraphs(passage.text)) {
      const fence = parseFence(paragraph);
      if (fence) {
        if (!fence.code.trim()) continue;
        const code = make(fence.code, 'code', fence.lang || undefined);
        if (code.words === 0) continue;
        // "Run the tests with:" / "For example," before a block of code introduces it; a short
        // paragraph of one sentence right before it is its caption.
        if (lastSentence && !lastSentence.codeAfter) {
          const caption = captionSentence === lastSentence;
          if (caption || /[:：]$|\bexample\b|\bfollowing\b/i.test(lastSentence.text)) {
            lastSentence.codeAfter = code;
            if (caption) lastSentence.caption = true;
          }
        }
        candidates.push(code);
        previous = undefined;
        lastSentence = undefined;
        continue;
      }
      if (kind === 'table') {
        for (const line of paragraph.split('\n')) {
          const text = collapseSpaces(line);
          const row = make(text, 'row');
          if (row.words === 0) continue;
          candidates.push(row);
        }
        continue;
      }
      const sentences = SENTENCES.get(paragraph, sentencesWithAsides);
      captionSentence = undefined;
      for (const raw of sentences) {
        const text = collapseSpaces(raw);
        // "Changes in version 3.35.0 (2021-03-12):" heads the notes after it.
        if (releaseNotes && VERSION_LINE.test(text)) versionLine = text.replace(/[:：]\s*$/, '');
        const tokens = tokenize(text);
        const words = tokens.length;
        if (words < MIN_SENTENCE_WORDS || words > maxWords * 3 || !looksLikeProse(text)) {
          // An example line that shows the expression the question quotes (`json_array(1,2,'3',4)
          // → '[1,2,"3",4]'`) is the answer, prose or not: quoted whole, like a table row.
          if (
            expressions.length > 0 &&
            words <= maxWords &&
            expressions.some((e) => compactExpression(text).includes(e))
          ) {
            const line = make(text, 'row');
            if (line.words > 0) candidates.push(line);
          }
          position++;
          // "Run the tests with:" followed by a command: the command completes the sentence.
          if (
            previous?.text.endsWith(':') &&
            !previous.continuation &&
            /^[^\n]{2,100}(?<!\\)$/.test(raw.trim())
          ) {
            previous.continuation = raw.trim();
          }
          previous = undefined;
          lastSentence = undefined;
          continue;
        }
        const candidate = make(text, 'sentence');
        // The release a note belongs to: the version line above it, else the version heading.
        const release = !releaseNotes || versionLine === text ? undefined : (versionLine ?? versionHeading);
        if (versionLabel && release) candidate.version = release;
        const number = release ? /\d+\.\d+(?:\.\d+)*/.exec(release)?.[0] : undefined;
        if (
          number &&
          new RegExp(`(^|[^\\d.])${number.replaceAll('.', '\\.')}(?![\\d.])`).test(passage.title ?? '')
        )
          candidate.ownRelease = true;
        if (previous) {
          previous.next = candidate;
          candidate.previous = previous;
        }
        previous = candidate;
        lastSentence = candidate;
        if (sentences.length === 1 && words <= MAX_CAPTION_WORDS) captionSentence = candidate;
        candidates.push(candidate);
      }
    }
  });
  if (candidates.length === 0) return undefined;

  // Rarer terms among the candidate sentences weigh more (IDF over this small set).
  const weights = new Map<string, number>();
  for (const term of terms) {
    const given = input.termWeights?.get(term);
    if (given !== undefined) {
      weights.set(term, given);
      continue;
    }
    const df = candidates.filter((c) => has(c, term)).length;
    weights.set(term, Math.log(1 + candidates.length / (1 + df)));
  }
  return { candidates, terms, weights, type };
}

/**
 * Sentences with their short asides put back: "(Default: 1234)" or "Defaults to off." after a
 * sentence completes it, and is too short to stand as a sentence of its own.
 */
function sentencesWithAsides(paragraph: string): string[] {
  return withAsides(splitSentences(paragraph));
}

function withAsides(sentences: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of sentences) {
    const prev = out.length - 1;
    if (prev >= 0 && /^\(|^defaults?\b/i.test(s) && wordTokens(s).length < 6) out[prev] = `${out[prev]} ${s}`;
    else out.push(s);
  }
  return out;
}

/**
 * Whether a passage sits on the manual page of a command other than the one the question names
 * with its subcommand ("git status --short" and a passage of "git-commit(1) Manual Page"): manual
 * pages are titled by their command, `name(section)`, with the subcommand after a hyphen.
 */
export function optionOfOtherCommand(question: string, title: string | undefined): boolean {
  const m = /^\s*([a-z][\w.+]*)-([a-z][\w.+-]*)\(\d\w*\)/i.exec(title ?? '');
  if (!m) return false;
  const program = (m[1] as string).toLowerCase();
  const own = (m[2] as string).toLowerCase();
  const q = question.toLowerCase();
  const named = [
    ...q.matchAll(new RegExp(`\\b${program.replace(/[.+]/g, '\\$&')}[ -]([a-z][\\w-]*)`, 'g')),
  ].map((x) => x[1] as string);
  return named.length > 0 && !named.includes(own);
}

function has(c: Candidate, term: string): boolean {
  // Chinese and Japanese words are matched as substrings: segmentation may cut them differently.
  return c.stemSet.has(term) || (CJK_CHAR.test(term) && c.lower.includes(term));
}

/** Weighted share of the question's terms an FAQ entry's question holds. */
/** A heading of a few words in prose (not a name, not a number): an example's or a recipe's title. */
function taskHeading(heading: string): boolean {
  // Chinese is written without spaces: a title of a few characters, no digits or Latin names.
  if (/\p{Script=Han}/u.test(heading))
    return heading.length >= 4 && heading.length <= 30 && !/[0-9A-Za-z]/.test(heading);
  const words = heading.split(/\s+/).filter((w) => /^\p{L}[\p{L}'’-]*$/u.test(w));
  return words.length >= 3 && words.length <= 12 && words.length === heading.split(/\s+/).length;
}

function headingOverlap(
  heading: ReadonlySet<string>,
  terms: readonly string[],
  weights: ReadonlyMap<string, number>,
): number {
  let total = 0;
  let held = 0;
  for (const t of terms) {
    const w = weights.get(t) ?? 0;
    total += w;
    if (heading.has(t)) held += w;
  }
  return total === 0 ? 0 : held / total;
}

/** Pairs of the question's content words, in question order. */
function questionPairs(query: string): Array<readonly [string, string]> {
  const content = wordTokens(query)
    .filter((t) => !isStopWord(t) && !TYPE_WORDS.has(t))
    .map(englishStem);
  const pairs: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < content.length; i++) pairs.push([content[i] as string, content[i + 1] as string]);
  return pairs;
}

/** Share of the question's word pairs that the sentence keeps within three words of each other. */
function pairScore(c: Candidate, pairs: ReadonlyArray<readonly [string, string]>): number {
  if (pairs.length === 0) return 0;
  let found = 0;
  for (const [a, b] of pairs) {
    if (!c.stemSet.has(a) || !c.stemSet.has(b)) continue;
    const at = c.tokens.flatMap((t, i) => (t.stem === a ? [i] : []));
    const bt = c.tokens.flatMap((t, i) => (t.stem === b ? [i] : []));
    if (at.some((i) => bt.some((j) => Math.abs(i - j) <= 3))) found++;
  }
  return found / pairs.length;
}

/** Weight of each token of a candidate: the weight of the question term it matches, or 0. */
function tokenWeights(c: Candidate, weights: ReadonlyMap<string, number>): number[] {
  return c.tokens.map((t) => weights.get(t.stem) ?? 0);
}

/** The most weight of question terms inside any window of `size` consecutive words. */
function bestWindow(values: readonly number[], size: number): { start: number; sum: number } {
  let sum = 0;
  for (let i = 0; i < Math.min(size, values.length); i++) sum += values[i] as number;
  let best = { start: 0, sum };
  for (let i = size; i < values.length; i++) {
    sum += (values[i] as number) - (values[i - size] as number);
    if (sum > best.sum) best = { start: i - size + 1, sum };
  }
  return best;
}

/**
 * The expressions a question quotes that a page would show as written: calls with arguments
 * (`hex(12345678)`, `json_array(1,2,'3',4)`), compared without spaces and in lower case.
 */
export function quotedExpressions(query: string): string[] {
  const out = new Set<string>();
  for (const m of query.matchAll(/[A-Za-z_][\w.]*\(([^()]{1,80})\)/g)) {
    // A call with real arguments (not `hex(X)`'s placeholder, not an aside in parentheses).
    const args = (m[1] ?? '').trim();
    if (!/[\d'",]/.test(args)) continue;
    out.add(compactExpression(m[0]));
  }
  return [...out];
}

function compactExpression(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"');
}

function scoreAll(prepared: Prepared, query: string, w: ExtractiveWeights): void {
  const { candidates, terms, weights, type } = prepared;
  const total = [...weights.values()].reduce((a, b) => a + b, 0) || 1;
  const pairs = questionPairs(query);
  const expressions = quotedExpressions(query);
  for (const c of candidates) {
    let matched = 0;
    let topicTotal = 0;
    for (const term of terms) {
      const inTopic = c.topic.has(term);
      const weight = (weights.get(term) ?? 0) * (inTopic ? w.titleTerm : 1);
      topicTotal += weight;
      // A term of the page's title or headings is context every sentence of the passage shares.
      if (has(c, term)) matched += weight;
      else if (inTopic) matched += weight * w.topicCredit;
    }
    c.coverage = matched / (w.titleTerm === 1 ? total : topicTotal || 1);
    const density = w.density ? bestWindow(tokenWeights(c, weights), 12).sum / total : 0;
    c.score =
      c.coverage +
      w.pairs * pairScore(c, pairs) +
      w.density * Math.min(1, density) +
      (c.typed ? (STRONG_TYPES.has(type) ? w.typedStrong : w.typed) : 0) +
      // A release note on its own release's page, not repeated on a later one.
      (c.ownRelease && type === 'version' ? w.ownRelease : 0) +
      w.subject * c.subject +
      (expressions.length > 0 && expressions.some((e) => compactExpression(c.text).includes(e))
        ? w.expression
        : 0) +
      // An FAQ entry whose question is this question: its answer is the answer.
      (c.askedBy ? w.questionHeading * headingOverlap(c.askedBy, terms, weights) : 0) +
      w.rank / (1 + c.rank) +
      w.position / (1 + c.position) -
      // Code is shown by its best lines: its length is no fault.
      (c.unit === 'code' ? 0 : (w.length * Math.max(0, c.words - 25)) / 25);
  }
  if (w.after || w.before) {
    const base = new Map(candidates.map((c) => [c, c.coverage]));
    for (const c of candidates) {
      c.score +=
        w.after * (c.previous ? (base.get(c.previous) ?? 0) : 0) +
        w.before * (c.next ? (base.get(c.next) ?? 0) : 0);
    }
  }
  // The same note on several release pages (a release's notes repeated on its patch releases'
  // pages): the copy on its own release's page is the one to quote and cite, whatever the rank.
  const own = candidates.filter((c) => c.ownRelease);
  if (own.length > 0) {
    const best = new Map<string, number>();
    for (const c of candidates) best.set(c.lower, Math.max(best.get(c.lower) ?? -Infinity, c.score));
    for (const c of own) c.score = Math.max(c.score, (best.get(c.lower) ?? c.score) + 1e-6);
  }
}

function weightsOf(input: ExtractiveInput): ExtractiveWeights {
  return { ...EXTRACTIVE_WEIGHTS, ...input.weights };
}

/** Every candidate sentence, best first (exported for analysis and tests). */
export function rankSentences(input: ExtractiveInput): ScoredSentence[] {
  const prepared = prepare(input, input.maxWords ?? 60);
  if (!prepared) return [];
  scoreAll(prepared, input.query, weightsOf(input));
  return prepared.candidates
    .sort((a, b) => b.score - a.score)
    .map((c) => ({ n: c.n, text: c.text, score: c.score, coverage: c.coverage }));
}

/** Question types whose answer, found, is the answer: a definition, an instruction, a stated value. */
const STRONG_TYPES: ReadonlySet<AnswerType> = new Set(['definition', 'howto', 'default', 'limit', 'version']);

/**
 * Question types that ask for a value a sentence states in so many words ("The default value is
 * 6700.", "at most 64 tables", "since version 3.35"): a number or a date alone is too common to tell.
 */
const VALUE_TYPES: ReadonlySet<AnswerType> = new Set(['default', 'limit', 'version']);

/** How far apart (in sentences of one passage) two sentences may be and still read as one entry. */
const SAME_ENTRY_SENTENCES = 4;

/** Question types whose answer a passage states or not (a default, a limit, a version, a how-to). */
const STATED_TYPES: ReadonlySet<AnswerType> = new Set(['default', 'limit', 'version', 'howto']);

/**
 * Whether choosing the sources among more passages, by the sentences that answer, is worth it for
 * a question: it asks for something a passage states or not (a default, a limit, a version, a
 * how-to), or it names identifiers.
 */
export function wantsAnswerRanking(question: string): boolean {
  return STATED_TYPES.has(answerTypeOf(question)) || namesShapedIdentifier(question);
}

/**
 * Each passage's best answer score: the score of its best sentence, row or code, as the answer
 * would rank them among all these passages (0 for a passage with none). Index i is passages[i].
 */
export function passageAnswerScores(input: ExtractiveInput): {
  scores: number[];
  termWeights: ReadonlyMap<string, number>;
} {
  const out = input.passages.map(() => 0);
  const prepared = prepare(input, input.maxWords ?? 60);
  if (!prepared) return { scores: out, termWeights: new Map() };
  scoreAll(prepared, input.query, weightsOf(input));
  for (const c of prepared.candidates) out[c.rank] = Math.max(out[c.rank] ?? 0, c.score);
  return { scores: out, termWeights: prepared.weights };
}

/** Whether a token could be the answer of the asked type (a year, a number, a name). */
function typedToken(c: Candidate, token: Token, type: AnswerType): boolean {
  const raw = c.text.slice(token.start, token.end);
  switch (type) {
    case 'time':
      return /^(1[0-9]{3}|20[0-9]{2})s?$/.test(raw) || MONTHS.test(raw);
    case 'number':
    case 'default':
    case 'limit':
      return /\d/.test(raw) || NUMBER_WORDS.test(raw);
    case 'version':
      return /^\d+(\.\d+)+$/.test(raw);
    case 'person':
    case 'place':
      return /^\p{Lu}/u.test(raw);
    case 'definition':
    case 'howto':
    case 'yesno':
    case 'other':
      return false;
  }
}

/**
 * A sentence cut to at most `size` words around its matches with the question (and the words that
 * could be the answer), with "…" where it was cut.
 */
function cut(c: Candidate, size: number, prepared: Prepared, w: ExtractiveWeights): string {
  if (c.words <= size) return c.text;
  const weights = prepared.weights;
  const values = tokenWeights(c, weights);
  if (w.typedToken && prepared.type !== 'other') {
    const mean = [...weights.values()].reduce((a, b) => a + b, 0) / Math.max(1, weights.size);
    c.tokens.forEach((t, i) => {
      if (values[i] === 0 && typedToken(c, t, prepared.type)) values[i] = mean * w.typedToken;
    });
  }
  const { start } = bestWindow(values, size);
  // Centre the window on the matches it holds: the answer is as often before them as after.
  const matched = values.flatMap((v, i) => (v > 0 && i >= start && i < start + size ? [i] : []));
  const middle = matched.length
    ? ((matched[0] as number) + (matched[matched.length - 1] as number)) / 2
    : start;
  const from = Math.max(0, Math.min(c.words - size, Math.round(middle - (size - 1) / 2)));
  const first = c.tokens[from] as Token;
  const last = c.tokens[from + size - 1] as Token;
  // Keep the sentence's own closing punctuation when the window reaches its end.
  let end = from + size >= c.words ? c.text.length : last.end;
  let begin = from === 0 ? 0 : first.start;
  // A window does not start or end inside a `code span`: a lone backtick would make the rest of
  // the answer, its markers included, read as code.
  for (const span of c.text.matchAll(/`[^`]*`/g)) {
    const open = span.index;
    const close = open + span[0].length;
    if (begin > open && begin < close) begin = open;
    if (end > open && end < close) end = close;
  }
  const body = c.text.slice(begin, end).trim();
  return `${begin > 0 ? '…' : ''}${body}${end < c.text.length ? '…' : ''}`;
}

/** Longest sentence read as the caption of the code under it. */
const MAX_CAPTION_WORDS = 16;

/** Most lines of code an answer shows from one block. */
const MAX_CODE_LINES = 10;
/** Most code blocks in one answer. */
const MAX_CODE_BLOCKS = 2;

/** A term as the answer shows it: identifiers as code (`--name-only`), other names in bold. */
function formatTerm(term: string): string {
  // "gc.reflogExpire, gc.<pattern>.reflogExpire": the first name is enough to lead with.
  const first = term.length > 60 && term.includes(', ') ? (term.split(', ')[0] as string) : term;
  const clean = first.replaceAll('`', "'").trim();
  const code = /^[-.$/]|[._()=<>[\]/]|^[A-Z0-9_]+$|^\S+$/.test(clean) && !/\s{2,}/.test(clean);
  return code ? `\`${clean}\`` : `**${clean.replaceAll('*', '')}**`;
}

/** The lines of a code unit worth showing: all of a short block, else the window that matches most. */
function codeWindow(c: Candidate, weights: ReadonlyMap<string, number>): string {
  const lines = c.text.split('\n');
  if (lines.length <= MAX_CODE_LINES) return c.text;
  const lineWeights = lines.map((line) => {
    let sum = 0;
    for (const t of tokenize(line)) sum += weights.get(t.stem) ?? 0;
    return sum;
  });
  const { start } = bestWindow(lineWeights, MAX_CODE_LINES);
  const picked = lines.slice(start, start + MAX_CODE_LINES);
  return [
    ...(start > 0 ? ['…'] : []),
    ...picked,
    ...(start + MAX_CODE_LINES < lines.length ? ['…'] : []),
  ].join('\n');
}

function fenced(code: string, lang: string | undefined): string {
  let longest = 2;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang ?? ''}\n${code}\n${fence}`;
}

interface Part {
  readonly c: Candidate;
  /** Prose as chosen (without marker or lead), or the code lines to show. */
  readonly text: string;
  /** The term the part's passage leads with ("`--name-only` — "), given to its first part shown. */
  readonly lead?: string;
}

export function extractiveAnswer(input: ExtractiveInput): ExtractiveAnswer {
  const maxWords = input.maxWords ?? 60;
  const minCoverage = input.minCoverage ?? 0.15;
  const w = weightsOf(input);
  const prepared = prepare(input, maxWords);
  if (!prepared) return { text: '', cited: [], coverage: 0 };
  scoreAll(prepared, input.query, w);
  const ranked = [...prepared.candidates].sort((a, b) => b.score - a.score);
  const best = ranked[0];
  const coverage = Math.max(0, ...ranked.map((c) => c.coverage));
  if (!best || coverage < minCoverage) return { text: '', cited: [], coverage };
  // A question for a stated value (a default, a limit, a version) that no sentence states, with
  // nothing that covers the question well either: saying so beats quoting something beside it.
  if (VALUE_TYPES.has(prepared.type) && !ranked.some((c) => c.typed) && coverage < w.statedCoverage)
    return { text: '', cited: [], coverage };

  const chosen: Part[] = [];
  let words = 0;
  let codeBlocks = 0;
  const seen = new Set<string>();
  /** Terms already named by a chosen part (a term leads only the first sentence of its entry). */
  const named = new Set<string>();
  const addCode = (c: Candidate | undefined): boolean => {
    if (c?.unit !== 'code' || seen.has(c.lower) || codeBlocks >= MAX_CODE_BLOCKS) return false;
    seen.add(c.lower);
    chosen.push({ c, text: codeWindow(c, prepared.weights) });
    codeBlocks++;
    return true;
  };
  const add = (c: Candidate | undefined): boolean => {
    if (!c || seen.has(c.lower)) return false;
    if (c.unit === 'code') return addCode(c);
    if (chosen.filter((p) => p.c.unit !== 'code').length >= MAX_SENTENCES) return false;
    // A sentence of a definition-list entry that does not name its term leads with it; a release
    // note that does not name its version, with the version it is under.
    const lead =
      c.term &&
      !named.has(`${c.n}`) &&
      !c.text.toLowerCase().includes(c.term.toLowerCase().split(', ')[0] ?? '')
        ? `${formatTerm(c.term)} — `
        : prepared.type === 'version' && c.version && !named.has(`${c.n}`) && !/\b\d+\.\d+/.test(c.text)
          ? `${c.version}: `
          : '';
    let room = Math.min(maxWords - words, w.partWords) - answerWordCount(lead);
    for (;;) {
      if (room < w.minPart) return false;
      const whole =
        c.continuation && c.words <= room ? `${c.text} \`${c.continuation.replaceAll('`', '')}\`` : undefined;
      const body = whole && answerWordCount(whole) <= room ? whole : cut(c, room, prepared, w);
      // Count as readers (and the budget) do; cut again when the count comes out higher.
      const count = answerWordCount(lead + body);
      if (words + count > maxWords) {
        room -= words + count - maxWords;
        continue;
      }
      seen.add(c.lower);
      if (lead) named.add(`${c.n}`);
      chosen.push({ c, text: body, ...(lead ? { lead } : {}) });
      words += count;
      // Code the sentence announces ("… run:", "For example,") comes with it.
      if (
        c.codeAfter &&
        (c.text.endsWith(':') ||
          c.caption ||
          prepared.type === 'howto' ||
          c.codeAfter.coverage >= w.fillCoverage)
      )
        addCode(c.codeAfter);
      return true;
    }
  };
  add(best);
  // A sentence that ends in a colon announces what follows: the list items or lines after it.
  if (best.unit === 'sentence' && best.text.endsWith(':') && !best.continuation && !best.codeAfter) {
    for (let next = best.next, i = 0; next && i < 3; next = next.next, i++) add(next);
  }
  // The sentence after the best one often completes it ("… on July 20, 1969."), when the question
  // asks for something the best sentence does not hold.
  if (prepared.type !== 'other' && !best.typed && best.next?.typed) add(best.next);
  // A question for a stated value (a default, a limit, a version) whose best sentence does not
  // state one: the sentence of the same entry that does ("The default value is 6700.", two
  // sentences after the one that matched the question best) comes before any other filler.
  if (VALUE_TYPES.has(prepared.type) && !best.typed) {
    add(
      ranked.find(
        (c) =>
          c !== best &&
          c.typed &&
          c.unit === 'sentence' &&
          c.n === best.n &&
          Math.abs(c.position - best.position) <= SAME_ENTRY_SENTENCES &&
          c.coverage >= w.fillCoverage,
      ),
    );
  }
  // A definition or an instruction found is the answer: only its neighbours and other sentences of
  // the same form may follow it.
  const found = best.typed && prepared.type !== 'other' && prepared.type !== 'yesno';
  for (const c of ranked.slice(1)) {
    if (c.score < best.score * w.fillRatio || words >= maxWords) break;
    if (c.unit === 'code') continue;
    // List items are not a sentence's continuation: each says something of its own.
    const adjacentPick = !c.text.startsWith('•') && chosen.some((p) => p.c.next === c || p.c.previous === c);
    if (found && !c.typed && !adjacentPick) continue;
    // About the identifier asked for: the answer does not go on about another one.
    if (best.subject > 0 && c.subject === 0 && !adjacentPick) continue;
    // Filling the budget with sentences that share little with the question only adds noise,
    // unless they continue (or lead into) a sentence already chosen.
    const adjacent = chosen.some((p) => p.c.next === c || p.c.previous === c);
    if (c.coverage >= w.fillCoverage || adjacent) add(c);
  }
  // A how-to answer shows the command or code that does it: the best code of the passages the
  // answer quotes, else of the others, when the prose chosen shows no command (code of two words
  // or more; an option name alone is not a command).
  if (asksHowTo(input.query) && !chosen.some((p) => p.c.unit === 'code' || /`[^`\s]+\s[^`]+`/.test(p.text))) {
    const quoted = new Set(chosen.map((p) => p.c.n));
    const code = ranked.filter((c) => c.unit === 'code');
    addCode(
      code.find((c) => quoted.has(c.n) && c.coverage > 0) ?? code.find((c) => c.coverage >= w.fillCoverage),
    );
  }
  // The best sentence's passage first (the answer comes first); within a passage, parts keep
  // their order, so neighbours read as the text they came from.
  const firstPick = new Map<number, number>();
  chosen.forEach((p, i) => {
    if (!firstPick.has(p.c.rank)) firstPick.set(p.c.rank, i);
  });
  chosen.sort(
    (a, b) => (firstPick.get(a.c.rank) ?? 0) - (firstPick.get(b.c.rank) ?? 0) || a.c.position - b.c.position,
  );
  // A term leads the first sentence shown of its passage, whichever was chosen first.
  const leads = new Map<number, string>();
  for (const p of chosen) if (p.lead && !leads.has(p.c.n)) leads.set(p.c.n, p.lead);
  const parts = chosen.map((p) => {
    // Code shown first names its term on the line before it (render): the lead is said.
    if (p.c.unit === 'code') leads.delete(p.c.n);
    const lead = leads.get(p.c.n);
    if (lead === undefined) return p;
    leads.delete(p.c.n);
    return { c: p.c, text: lead + p.text };
  });
  const cited: number[] = [];
  for (const p of parts) if (!cited.includes(p.c.n)) cited.push(p.c.n);
  return { text: render(parts), cited, coverage };
}

/**
 * The answer's Markdown: prose parts as sentences with their markers; a code part as a fenced
 * block after a line that carries its marker (the sentence before it from the same passage, else
 * its term or heading).
 */
function render(parts: readonly Part[]): string {
  const out: string[] = [];
  let prose: string[] = [];
  const flushProse = () => {
    if (prose.length) out.push(joinSentences(prose));
    prose = [];
  };
  parts.forEach((p, i) => {
    if (p.c.unit !== 'code') {
      prose.push(withMarker(p.text, p.c.n));
      return;
    }
    const before = parts[i - 1];
    if (!before || before.c.n !== p.c.n || before.c.unit === 'code') {
      prose.push(`${p.c.term ? formatTerm(p.c.term) : 'For example'} [${p.c.n}]:`);
    } else if (prose.length > 0) {
      // The sentence before announces the code: its marker already cites the passage.
      const last = prose.pop() as string;
      prose.push(/[.;]$/.test(last) ? last : last.replace(/\s*$/, ''));
    }
    flushProse();
    out.push(fenced(p.text, p.c.lang));
  });
  flushProse();
  return out.join('\n\n');
}

/** "It landed in 1969." + 1 → "It landed in 1969 [1]." (the marker before the closing punctuation). */
function withMarker(sentence: string, n: number): string {
  if (sentence.endsWith('…')) return `${sentence} [${n}]`;
  const m = /([.!?。！？]+["”’)]*)$/u.exec(sentence);
  if (!m) return `${sentence} [${n}]`;
  // ("… indicated by `!!` ." : the space before the full stop goes.)
  const body = sentence.slice(0, m.index).trimEnd();
  const cjk = CJK_CHAR.test(body.slice(-1));
  return `${body}${cjk ? '' : ' '}[${n}]${m[1]}`;
}

function joinSentences(parts: readonly string[]): string {
  let out = '';
  for (const part of parts) {
    // Chinese and Japanese sentences follow each other without a space.
    if (out && !(/[。！？」』）…]$/u.test(out) && CJK_CHAR.test(part[0] ?? ''))) out += ' ';
    out += part;
  }
  return out;
}
