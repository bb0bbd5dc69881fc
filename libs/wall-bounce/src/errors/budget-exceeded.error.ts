import { DomainError } from '@techsapo/core';
import type { OwnerKind } from '../usage/owner';

/** What a refusal for a spent daily budget reports (the problem's `budget` extension). */
export interface SpentBudget {
  kind: OwnerKind;
  id: string;
  dailyUsd: number;
  spentUsd: number;
  /** When the budget renews: the next midnight UTC. */
  resetsAt: string;
}

/** The daily budget of the user or API key is spent: nothing is queued or called. */
export class BudgetExceededError extends DomainError {
  constructor(budget: SpentBudget, now: Date) {
    const whose = budget.kind === 'user' ? 'user' : 'API key';
    super(
      'budget-exceeded',
      429,
      'Budget exceeded',
      `The daily budget of this ${whose} (${budget.dailyUsd} USD) is spent for today: ${budget.spentUsd} USD so far. It renews at ${budget.resetsAt}.`,
      {
        headers: {
          'Retry-After': String(
            Math.max(1, Math.ceil((Date.parse(budget.resetsAt) - now.getTime()) / 1000)),
          ),
        },
        extensions: { budget },
      },
    );
  }
}
