/** Cost of one call: tokens times the configured price per million, in US dollars. */
export function costUsd(
  inputTokens: number,
  outputTokens: number,
  priceInputPer1M: number,
  priceOutputPer1M: number,
): number {
  return roundUsd((inputTokens * priceInputPer1M + outputTokens * priceOutputPer1M) / 1_000_000);
}

/** Dollars to 1e-9 so that sums of many calls do not accumulate float noise in reports. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
