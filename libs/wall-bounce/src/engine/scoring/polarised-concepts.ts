import {
  ANTONYM_PREFIXES,
  EN_NEGATING_PREFIXES,
  EN_NEGATION_CUES,
  EN_PREFIXABLE_ENDING,
  EN_SCOPE_BREAKS,
  EN_STOPWORDS,
  EXISTENCE_PREDICATES,
  JA_ADJECTIVE_STEMS_ENDING_NAI,
  JA_NEGATING_PREFIXES,
  JA_NEGATION,
  JA_NOT_NEGATION,
  NEGATION_REACH,
} from './polarity-lexicon';

/** Longer texts are read up to this many characters (the cost stays linear and bounded). */
export const MAX_CONCEPT_CHARS = 20_000;

/** One content word of a text as written: its stem and whether the text negates it there. */
export interface ConceptMention {
  /** Light stem (English) or the kanji/katakana run (Japanese), before antonyms are folded. */
  stem: string;
  /** The surface form (for prefix opposites such as "unsafe"). */
  word: string;
  negated: boolean;
  japanese: boolean;
}

/** +1 said, −1 negated, 0 both (the text says it both ways). */
export type Polarity = 1 | -1 | 0;

const CLAUSE_SPLIT = /[.!?;:,。、！？；：，\n\r\u2022]+|\s[-–—]\s/u;
const SEGMENT =
  /([\p{Script=Latin}\p{N}_][\p{Script=Latin}\p{N}_'’-]*)|(\p{Script=Han}+)|([\p{Script=Katakana}ー]+)|(\p{Script=Hiragana}+)/gu;

/** Plurals, -ing, -ed, -ly and a final e folded, so that "expires", "expired" and "expiry" meet. */
export function lightStem(word: string): string {
  let w = word.replace(/['’]s$/, '');
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(xes|ches|shes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      if (/([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  if (w.endsWith('y') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Splits "isn't", "doesn't", "can't" into the word and a negation cue. */
function englishWords(token: string): string[] {
  const w = token.replace(/’/g, "'");
  if (w === "can't" || w === "won't") return ['not'];
  if (w.endsWith("n't")) return [w.slice(0, -3), 'not'];
  return w.split(/[-']/).filter(Boolean);
}

/**
 * The content words of a text with the negation each has where it stands. English: a cue
 * (not, no, never, without, n't …) negates the next three content words of its clause; a
 * clause ends at punctuation or a conjunction (but, because, and …). Japanese: a negating
 * ending (ない, ません, ず, なく, なし …) negates the content run just before it. A negated
 * predicate of existence (exist, possible, 存在, 発生 …) negates the whole clause before it.
 */
export function conceptMentions(text: string): ConceptMention[] {
  const mentions: ConceptMention[] = [];
  const folded = text.slice(0, MAX_CONCEPT_CHARS).normalize('NFKC').toLowerCase();
  for (const clause of folded.split(CLAUSE_SPLIT)) {
    const clauseStart = mentions.length;
    let reach = 0;
    let previousRun = '';
    const negateExistence = (mention: ConceptMention): void => {
      if (!EXISTENCE_PREDICATES.has(mention.stem)) return;
      for (let i = clauseStart; i < mentions.length; i += 1) mentions[i].negated = true;
    };
    for (const match of clause.matchAll(SEGMENT)) {
      const [, latin, han, katakana, hiragana] = match;
      if (hiragana !== undefined) {
        const last = mentions[mentions.length - 1];
        if (
          last &&
          mentions.length > clauseStart &&
          JA_NEGATION.test(hiragana) &&
          !JA_NOT_NEGATION.test(hiragana) &&
          !(hiragana.startsWith('な') && JA_ADJECTIVE_STEMS_ENDING_NAI.has(previousRun.slice(-1)))
        ) {
          last.negated = !last.negated;
          negateExistence(last);
        }
        previousRun = hiragana;
        continue;
      }
      if (han !== undefined || katakana !== undefined) {
        const run = han ?? katakana;
        mentions.push({ stem: run, word: run, negated: false, japanese: true });
        previousRun = run;
        continue;
      }
      previousRun = latin;
      for (const word of englishWords(latin)) {
        if (EN_NEGATION_CUES.has(word)) {
          reach = NEGATION_REACH;
          continue;
        }
        if (EN_SCOPE_BREAKS.has(word)) {
          reach = 0;
          continue;
        }
        const stem = lightStem(word);
        if (EN_STOPWORDS.has(word) || EN_STOPWORDS.has(stem) || stem.length < 2) continue;
        const mention: ConceptMention = { stem, word, negated: reach > 0, japanese: false };
        mentions.push(mention);
        if (reach > 0) {
          reach -= 1;
          negateExistence(mention);
        }
      }
    }
  }
  return mentions;
}

/**
 * A mention as a concept: antonyms fold into one concept with a polarity ("vulnerable" is
 * "safe" negated), and a prefixed opposite ("unsafe", "不十分") is its stem negated when that
 * stem is part of the compared vocabulary.
 */
export function conceptOf(
  mention: ConceptMention,
  vocabulary: ReadonlySet<string>,
): [concept: string, polarity: 1 | -1] {
  const sign = mention.negated ? -1 : 1;
  for (const [prefix, concept, polarity] of ANTONYM_PREFIXES) {
    // A one-kanji antonym (正, 誤) must be the whole run: 正規表現 is not "correct".
    const matches =
      mention.japanese && prefix.length < 2
        ? mention.word === prefix
        : mention.word.startsWith(prefix);
    if (matches) return [concept, (sign * polarity) as 1 | -1];
  }
  if (mention.japanese) {
    const rest = mention.stem.slice(1);
    if (JA_NEGATING_PREFIXES.includes(mention.stem[0]) && rest && vocabulary.has(rest)) {
      return [rest, -sign as 1 | -1];
    }
  } else if (EN_PREFIXABLE_ENDING.test(mention.word)) {
    for (const prefix of EN_NEGATING_PREFIXES) {
      const rest = mention.stem.slice(prefix.length);
      if (mention.stem.startsWith(prefix) && rest.length >= 3 && vocabulary.has(rest)) {
        return [rest, -sign as 1 | -1];
      }
    }
  }
  return [mention.stem, sign];
}

/** Each concept of a text with its polarity, against the vocabulary of the texts compared. */
export function polarisedConcepts(
  mentions: readonly ConceptMention[],
  vocabulary: ReadonlySet<string>,
): Map<string, Polarity> {
  const concepts = new Map<string, Polarity>();
  for (const mention of mentions) {
    const [concept, polarity] = conceptOf(mention, vocabulary);
    const seen = concepts.get(concept);
    concepts.set(concept, seen === undefined || seen === polarity ? polarity : 0);
  }
  return concepts;
}
