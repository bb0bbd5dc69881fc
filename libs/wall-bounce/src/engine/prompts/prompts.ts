import type { AnalysisTask, AnswerFormat } from '../../analysis/analysis.types';
import type { ChatRequest } from '../../providers/provider.types';
import { fitToBudget } from './fit-budget';
import { judgementSchema, peerAnswerSchema, reviewSchema } from './schemas';
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

const TASK_LINE: Record<AnalysisTask, string> = {
  review:
    'The request is a review of code or a change: judge it, list every problem you find with ' +
    'its severity and place, and give your verdict.',
  question:
    'The request is a question: answer it, list the key points of your answer, and give your ' +
    'verdict (for a yes/no question yes, no or depends; otherwise open).',
};

export function answerPrompt(content: string, task: AnalysisTask, language?: string): ChatRequest {
  [content] = fitToBudget([content]);
  return {
    system: `${header('answer')} ${TASK_LINE[task]} Be thorough and precise, and say how confident you are. ${RULES}${languageLine(language)}`,
    messages: [{ role: 'user', content }],
    output: peerAnswerSchema(task),
  };
}

/** Sequential mode: one step of the chain sees the question and the earlier answers. */
export function refinePrompt(
  content: string,
  earlier: LabelledText[],
  task: AnalysisTask,
  language?: string,
): ChatRequest {
  [content, earlier] = fitLabelled(content, earlier);
  const { block, instruction } = wrapUntrusted(earlier);
  return {
    system:
      `${header('refine')} ${TASK_LINE[task]} Earlier steps answered the request; their answers ` +
      `follow it. Write a better, complete answer: keep what is right, correct what is wrong, ` +
      `add what is missing, and give your own verdict. ${instruction} ${RULES}${languageLine(language)}`,
    messages: [{ role: 'user', content: `${content}\n\n---\nEarlier answers:\n${block}` }],
    output: peerAnswerSchema(task),
  };
}

/** Council mode: a peer ranks the others' answers, anonymised. */
export function reviewPrompt(content: string, answers: LabelledText[]): ChatRequest {
  [content, answers] = fitLabelled(content, answers);
  const { block, instruction } = wrapUntrusted(answers);
  return {
    system:
      `${header('review')} Several anonymous responses answer the user's request. Judge them on ` +
      `accuracy and insight, rank every one of them from best to worst by its label, and say ` +
      `why in a short critique. ${instruction}`,
    messages: [{ role: 'user', content: `${content}\n\n---\nResponses to rank:\n${block}` }],
    output: reviewSchema(answers.map((a) => a.label)),
  };
}

/**
 * The aggregator (parallel, sequential) or chairman (council): one final answer from the
 * peers' answers (and reviews), with its own verdict and view of how far they agree.
 */
export function aggregatePrompt(
  content: string,
  answers: LabelledText[],
  reviews: LabelledText[],
  task: AnalysisTask,
  language?: string,
  format?: AnswerFormat,
): ChatRequest {
  const [question, material] = fitLabelled(content, [...answers, ...reviews]);
  content = question;
  const { block, instruction } = wrapUntrusted(material);
  return {
    system:
      `${header('aggregate')} Several models answered the user's request${reviews.length ? ' and reviewed each other' : ''}. ` +
      `Write the single best final answer from them, give your verdict, judge how far they ` +
      `agree and name each point on which a response disagrees with the final answer. ` +
      (format
        ? `The client asked for the final answer as a JSON object of the shape "${format.name}": write it as the answer object, every field filled from the responses. `
        : '') +
      `${instruction} ${RULES}${languageLine(language)}`,
    messages: [{ role: 'user', content: `${content}\n\n---\nMaterial:\n${block}` }],
    output: judgementSchema(task, format),
  };
}

/** Reads the task name back from a system prompt (the development simulator's script). */
export function taskOf(system: string): Task | undefined {
  const match = /^TechSapo wall-bounce\. task: ([a-z]+)\./.exec(system);
  return TASKS.find((t) => t === match?.[1]);
}
