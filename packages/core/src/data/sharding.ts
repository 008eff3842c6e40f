// Splits a dataset into client shards: IID (shuffled, dealt round-robin) or non-IID by an attribute of the context.
import { fail } from '../errors.js';
import type { Example } from './examples.js';
import { createRng, shuffled } from './rng.js';

export function shardIid<T>(items: readonly T[], clients: number, seed: number): T[][] {
  if (!Number.isInteger(clients) || clients < 1) fail('data', `number of shards must be a positive integer, found ${clients}`);
  if (items.length < clients) fail('data', `cannot split ${items.length} examples into ${clients} non-empty shards`);
  const order = shuffled(items, createRng(seed));
  const shards: T[][] = Array.from({ length: clients }, () => []);
  order.forEach((item, i) => shards[i % clients]!.push(item));
  return shards;
}

/** The value of `attribute[value]` in an E2E meaning representation, or null. */
export function e2eAttribute(context: string, attribute: string): string | null {
  const escaped = attribute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|,\\s*)${escaped}\\[([^\\]]*)\\]`).exec(context);
  return match === null ? null : match[1]!;
}

/**
 * Non-IID: examples grouped by the value of `attribute` (e.g. E2E's `food` or `area`); whole groups go to
 * the client with the fewest examples so far, largest group first. Each client sees a skewed distribution.
 */
export function shardByAttribute(examples: readonly Example[], clients: number, attribute: string): Example[][] {
  if (!Number.isInteger(clients) || clients < 1) fail('data', `number of shards must be a positive integer, found ${clients}`);
  const groups = new Map<string, Example[]>();
  for (const e of examples) {
    const key = e.context === undefined ? '(none)' : (e2eAttribute(e.context, attribute) ?? '(none)');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(e);
  }
  if (groups.size < clients) {
    fail('data', `attribute "${attribute}" has ${groups.size} distinct values, fewer than the ${clients} shards asked for`);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const shards: Example[][] = Array.from({ length: clients }, () => []);
  for (const [, group] of ordered) {
    const smallest = shards.reduce((best, shard, i) => (shard.length < shards[best]!.length ? i : best), 0);
    shards[smallest]!.push(...group);
  }
  return shards;
}
