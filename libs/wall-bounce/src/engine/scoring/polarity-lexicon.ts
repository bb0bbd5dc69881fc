/*
 * The words the negation-aware text measure knows (English and Japanese). Small on purpose:
 * negation cues and the few antonyms that decide the verdicts this service is asked for
 * (safe or not, correct or not, needed or not); everything else is compared as vocabulary.
 */

/** Words that negate what follows them in their clause. */
export const EN_NEGATION_CUES = new Set([
  'not',
  'no',
  'never',
  'none',
  'nothing',
  'neither',
  'nor',
  'without',
  'cannot',
  'nobody',
  'nowhere',
]);

/** Words that end the scope of a negation (a new clause begins). */
export const EN_SCOPE_BREAKS = new Set([
  'but',
  'however',
  'although',
  'though',
  'whereas',
  'while',
  'yet',
  'because',
  'since',
  'so',
  'and',
  'unless',
  'except',
  'instead',
]);

/** A negation reaches at most this many content words. */
export const NEGATION_REACH = 3;

/**
 * Predicates of existence: negating them negates what exists ("no injection is possible",
 * "脆弱性は存在しません"), so the negation also reaches the content words before them.
 */
export const EXISTENCE_PREDICATES = new Set([
  'exist',
  'present',
  'found',
  'detect',
  'possibl',
  'occur',
  'happen',
  '存在',
  '発生',
  '検出',
  '該当',
  '見当',
  '発見',
  '確認',
  '言',
  '思',
]);

/** Words too common to say anything (compared after light stemming). */
export const EN_STOPWORDS = new Set(
  (
    "a an the this that these those it its it's is are was were be been being am do does did " +
    'has have had having of to in on at by for with from as into onto about over under than ' +
    'then there here their they them he she we you your our my me i or if also just only very ' +
    'really quite any some such can could would should will shall may might must which who whom ' +
    'what when where how why all each every both more most other same own too again further ' +
    'once up down out off above below use using used let lets get gets got make makes made ' +
    'one two via per etc yes'
  ).split(' '),
);

/**
 * Antonyms mapped to one concept with a polarity, matched on the start of a word (English,
 * after lower-casing) or of a kanji/katakana run (Japanese): "vulnerable" is "not safe".
 */
export const ANTONYM_PREFIXES: readonly [prefix: string, concept: string, polarity: 1 | -1][] = [
  ['safe', 'safe', 1],
  ['secure', 'safe', 1],
  ['vulnerab', 'safe', -1],
  ['insecur', 'safe', -1],
  ['unsafe', 'safe', -1],
  ['danger', 'safe', -1],
  ['risky', 'safe', -1],
  ['exploitab', 'safe', -1],
  ['race', 'safe', -1],
  ['deadlock', 'safe', -1],
  ['correct', 'correct', 1],
  ['incorrect', 'correct', -1],
  ['wrong', 'correct', -1],
  ['erroneous', 'correct', -1],
  ['broken', 'correct', -1],
  ['buggy', 'correct', -1],
  ['true', 'true', 1],
  ['false', 'true', -1],
  ['enabl', 'enabl', 1],
  ['disabl', 'enabl', -1],
  ['allow', 'allow', 1],
  ['permit', 'allow', 1],
  ['forbid', 'allow', -1],
  ['prohibit', 'allow', -1],
  ['succe', 'succe', 1],
  ['sufficien', 'sufficien', 1],
  ['insufficien', 'sufficien', -1],
  ['adequa', 'adequa', 1],
  ['inadequa', 'adequa', -1],
  ['suitab', 'suitab', 1],
  ['unsuitab', 'suitab', -1],
  ['acceptab', 'acceptab', 1],
  ['unacceptab', 'acceptab', -1],
  ['fail', 'succe', -1],
  ['安全', '安全', 1],
  ['危険', '安全', -1],
  ['脆弱', '安全', -1],
  ['有効', '有効', 1],
  ['無効', '有効', -1],
  ['必要', '必要', 1],
  ['不要', '必要', -1],
  ['正', '正', 1],
  ['誤', '正', -1],
  ['間違', '正', -1],
  ['成功', '成功', 1],
  ['十分', '十分', 1],
  ['不十分', '十分', -1],
  ['適切', '適切', 1],
  ['不適切', '適切', -1],
  ['失敗', '成功', -1],
  ['許可', '許可', 1],
  ['禁止', '許可', -1],
  ['有害', '有害', 1],
  ['無害', '有害', -1],
];

/** English prefixes that turn a word into its opposite ("unsafe", "invalid", "nonblocking"). */
export const EN_NEGATING_PREFIXES = ['non', 'dis', 'un', 'in', 'im', 'il', 'ir'];
/**
 * Only words that end like adjectives or participles are read as prefixed opposites, so that
 * "input", "import" or "display" are not taken for negations of "put", "port" or "play".
 */
export const EN_PREFIXABLE_ENDING =
  /(able|ible|al|ent|ant|ive|ure|id|ful|ous|ic|ary|ect|ed|afe|ate|ete|ly)$/;

/** Kanji that negate the compound they start (不十分, 非同期, 無制限, 未対応). */
export const JA_NEGATING_PREFIXES = ['不', '非', '無', '未'];

/** Hiragana endings that read as negation in Japanese (ない, ません, ず, なく, なし, …). */
export const JA_NEGATION =
  /(ない|ません|なく|なし|なかっ|せず|できず|[かさたならわがば]ず(?![っつ]))/;
/** Adjectives that end in ない without negating (少ない, 危ない) and set phrases (すみません). */
export const JA_NOT_NEGATION = /^(すみません)/;
export const JA_ADJECTIVE_STEMS_ENDING_NAI = new Set(['少', '危', '幼', '切', '汚', '儚']);

/** The concepts of the antonym list: each decides a verdict when two answers disagree on it. */
export const VERDICT_CONCEPTS: ReadonlySet<string> = new Set(ANTONYM_PREFIXES.map(([, c]) => c));
