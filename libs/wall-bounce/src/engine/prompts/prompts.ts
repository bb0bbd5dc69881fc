import type { ChatRequest } from '../../providers/provider.types';
import { fitToBudget } from './fit-budget';
import { LabelledText, wrapUntrusted } from './untrusted';

/** The question and the material cut together to the request budget. */
function fitLabelled(content: string, items: LabelledText[]): [string, LabelledText[]] {
  const [question, ...texts] = fitToBudget([content, ...items.map((i) => i.text)]);
  return [question, items.map((item, index) => ({ label: item.label, text: texts[index] }))];
}

/** The task names the system prompts start with (the simulator's development script reads them). */
export const TASKS = ['answer', 'refine', 'review', 'aggregate'] as const;
export type Task = (typeof TASKS)[number];

const header = (task: Task): string => `TechSapo wall-bounce. task: ${task}.`;

const RULES =
  'You give analysis and suggestions only (read, analyze, suggest). Never instruct anyone to ' +
  'write, execute or modify files, processes or systems on your behalf.';

const languageLine = (language?: string): string =>
  language
    ? ` Answer in the language with tag "${language}".`
    : ' Answer in the language of the question.';

export function answerPrompt(content: string, language?: string): ChatRequest {
  [content] = fitToBudget([content]);
  return {
    system: `${header('answer')} Answer the user's request thoroughly and precisely. ${RULES}${languageLine(language)}`,
    messages: [{ role: 'user', content }],
  };
}

/** Sequential mode: one step of the chain sees the question and the earlier answers. */
export function refinePrompt(
  content: string,
  earlier: LabelledText[],
  language?: string,
): ChatRequest {
  [content, earlier] = fitLabelled(content, earlier);
  const { block, instruction } = wrapUntrusted(earlier);
  return {
    system:
      `${header('refine')} Earlier steps answered the user's request; their answers follow the ` +
      `request. Write a better, complete answer: keep what is right, correct what is wrong, add ` +
      `what is missing. ${instruction} ${RULES}${languageLine(language)}`,
    messages: [{ role: 'user', content: `${content}\n\n---\nEarlier answers:\n${block}` }],
  };
}

/** Council mode: a peer ranks the others' answers, anonymised. */
export function reviewPrompt(content: string, answers: LabelledText[]): ChatRequest {
  [content, answers] = fitLabelled(content, answers);
  const { block, instruction } = wrapUntrusted(answers);
  const labels = answers.map((a) => `"${a.label}"`).join(', ');
  return {
    system:
      `${header('review')} Several anonymous responses answer the user's request. Judge them on ` +
      `accuracy and insight and rank them from best to worst. ${instruction} Reply with JSON ` +
      `only, no prose: {"ranking": [${labels} in your order, best first], "critique": "one or ` +
      `two sentences"}.`,
    messages: [{ role: 'user', content: `${content}\n\n---\nResponses to rank:\n${block}` }],
  };
}

/**
 * The aggregator (parallel, sequential) or chairman (council): one final answer from the
 * peers' answers (and reviews), with its own structured judgement of how far they agree.
 */
export function aggregatePrompt(
  content: string,
  answers: LabelledText[],
  reviews: LabelledText[] = [],
  language?: string,
): ChatRequest {
  const [question, material] = fitLabelled(content, [...answers, ...reviews]);
  content = question;
  const { block, instruction } = wrapUntrusted(material);
  return {
    system:
      `${header('aggregate')} Several models answered the user's request${reviews.length ? ' and reviewed each other' : ''}. ` +
      `Write the single best final answer from them, and judge how far they agree. ` +
      `${instruction} ${RULES} Reply with JSON only: {"answer": "the final answer", ` +
      `"agreement": number from 0 (contradict each other) to 1 (say the same), "confidence": ` +
      `number from 0 to 1 that the final answer is right, "dissent": ["each substantive point ` +
      `on which a response disagrees with the final answer"]}.${languageLine(language)}`,
    messages: [{ role: 'user', content: `${content}\n\n---\nMaterial:\n${block}` }],
  };
}

/** Reads the task name back from a system prompt (the development simulator's script). */
export function taskOf(system: string): Task | undefined {
  const match = /^TechSapo wall-bounce\. task: ([a-z]+)\./.exec(system);
  return TASKS.find((t) => t === match?.[1]);
}
