// Estimated model prices in USD per 1M tokens (OpenAI list prices for standard processing).
// A model not listed here, such as an Azure deployment name or a self-hosted model, is
// costed at 0 and the usage says so by its model name; tokens are still counted exactly.
const PRICES: { prefix: string; input: number; output: number }[] = [
  { prefix: 'gpt-4o-mini', input: 0.15, output: 0.6 },
  { prefix: 'gpt-4o', input: 2.5, output: 10 },
  { prefix: 'gpt-4.1-nano', input: 0.1, output: 0.4 },
  { prefix: 'gpt-4.1-mini', input: 0.4, output: 1.6 },
  { prefix: 'gpt-4.1', input: 2, output: 8 },
  { prefix: 'gpt-5-nano', input: 0.05, output: 0.4 },
  { prefix: 'gpt-5-mini', input: 0.25, output: 2 },
  { prefix: 'gpt-5', input: 1.25, output: 10 },
  { prefix: 'o4-mini', input: 1.1, output: 4.4 },
  { prefix: 'o3-mini', input: 1.1, output: 4.4 },
];

/** Cost in USD; dated snapshots ("gpt-4o-mini-2024-07-18") are priced as their family. */
export function costUsd(model: string, promptTokens: number, completionTokens: number): number {
  const price = PRICES.filter((p) => model === p.prefix || model.startsWith(`${p.prefix}-`)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!price) return 0;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

