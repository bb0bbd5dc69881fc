import { characterNgrams, dice, normalizeForSimilarity } from './character-ngrams';
import { conceptMentions, type ConceptMention, polarisedConcepts } from './polarised-concepts';
import { VERDICT_CONCEPTS } from './polarity-lexicon';

/** Compared length of the character n-gram part (bounded cost on long answers). */
const MAX_NGRAM_CHARS = 4_000;
/**
 * Lexical overlap from which two texts count as saying the same thing: paraphrases in other
 * words share about this much vocabulary, unrelated texts well under a tenth of it.
 */
export const FULL_OVERLAP = 0.4;
/**
 * What is left of the agreement when the texts contradict each other on a concept that
 * decides a verdict (safe, correct, true, needed …): in a long answer one such flip is
 * outnumbered by shared vocabulary, yet it is the disagreement that matters.
 */
export const VERDICT_CONTRADICTION_LEAVES = 0.25;

/** A text read once, compared with every other (linear work per text). */
export interface TextProfile {
  mentions: ConceptMention[];
  stems: Set<string>;
  trigrams: Map<string, number>;
}

export function profileText(text: string): TextProfile {
  const mentions = conceptMentions(text);
  return {
    mentions,
    stems: new Set(mentions.map((m) => m.stem)),
    trigrams: characterNgrams(normalizeForSimilarity(text.slice(0, MAX_NGRAM_CHARS)), 3),
  };
}

export interface TextAgreement {
  /** 0..1: how far the texts say the same, lowered by what one says and the other negates. */
  score: number;
  /** Shared vocabulary alone, blind to negation. */
  lexical: number;
  /** Concepts the two texts state with opposite polarity. */
  contradictions: number;
  /** Whether one of them decides a verdict (safe, correct, …). */
  verdictContradiction: boolean;
  shared: number;
}

/**
 * Agreement of two texts that sees negation and opposites. Each text becomes a set of
 * concepts with a polarity (polarised-concepts.ts). *lexical* is the mean of the Dice
 * coefficient of the two concept sets and of their character trigrams (which still sees
 * paraphrases that word boundaries miss, e.g. Japanese compounds). A shared concept that one
 * text states and the other negates is a contradiction; the score is
 * min(1, lexical / FULL_OVERLAP) × (1 − contradictions / shared concepts), times
 * VERDICT_CONTRADICTION_LEAVES when a contradicted concept decides a verdict ("the query is
 * safe" / "the query is not safe": 1 × ½ × ¼).
 */
export function negationAwareSimilarity(a: TextProfile, b: TextProfile): TextAgreement {
  const vocabulary = new Set([...a.stems, ...b.stems]);
  const x = polarisedConcepts(a.mentions, vocabulary);
  const y = polarisedConcepts(b.mentions, vocabulary);
  let shared = 0;
  let contradictions = 0;
  let verdictContradiction = false;
  for (const [concept, polarity] of x) {
    const other = y.get(concept);
    if (other === undefined) continue;
    shared += 1;
    if (polarity !== 0 && other !== 0 && polarity !== other) {
      contradictions += 1;
      verdictContradiction ||= VERDICT_CONCEPTS.has(concept);
    }
  }
  const conceptDice = x.size + y.size === 0 ? 1 : (2 * shared) / (x.size + y.size);
  const lexical = (conceptDice + dice(a.trigrams, b.trigrams)) / 2;
  const penalty = shared === 0 ? 0 : contradictions / shared;
  const score =
    Math.min(1, lexical / FULL_OVERLAP) *
    (1 - penalty) *
    (verdictContradiction ? VERDICT_CONTRADICTION_LEAVES : 1);
  return { score, lexical, contradictions, verdictContradiction, shared };
}
