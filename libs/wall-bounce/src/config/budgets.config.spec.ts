import { ConfigurationError, validateEnvironment } from '@techsapo/core';
import { budgetsConfig } from './budgets.config';

describe('budgets configuration', () => {
  it('has no budget unless set, and reads USD amounts', () => {
    expect(budgetsConfig.read({})).toEqual({ dailyUsd: { user: null, 'api-key': null } });
    expect(
      budgetsConfig.read({ BUDGET_DAILY_USD_PER_USER: '2.5', BUDGET_DAILY_USD_PER_API_KEY: '0' }),
    ).toEqual({ dailyUsd: { user: 2.5, 'api-key': 0 } });
  });

  it('refuses at boot what is not an amount from 0 to 1 000 000', () => {
    for (const value of ['abc', '-1', '1000001', 'Infinity']) {
      expect(() =>
        validateEnvironment({ BUDGET_DAILY_USD_PER_API_KEY: value }, [budgetsConfig]),
      ).toThrow(ConfigurationError);
    }
    expect(() =>
      validateEnvironment({ BUDGET_DAILY_USD_PER_USER: '' }, [budgetsConfig]),
    ).not.toThrow();
  });
});
