// The E2E test set as the official scorer groups it: one entry per meaning representation with all its
// references, in the order the MRs first appear in the CSV.
import { parseCsv } from '../data/csv.js';
import { fail } from '../errors.js';

export interface E2EItem {
  /** The meaning representation (the model's context). */
  mr: string;
  /** Every human reference of this MR. */
  refs: string[];
}

export function groupE2EReferences(csvText: string, fileName = 'CSV'): E2EItem[] {
  const table = parseCsv(csvText, fileName);
  const find = (names: string[]): number => table.header.findIndex((h) => names.includes(h.toLowerCase()));
  const mrCol = find(['mr', 'context']);
  const refCol = find(['ref', 'completion']);
  if (mrCol < 0 || refCol < 0) fail('format', `${fileName}: expected columns "mr,ref", found "${table.header.join(',')}"`);
  const groups = new Map<string, string[]>();
  for (const row of table.rows) {
    const mr = row[mrCol]!;
    const refs = groups.get(mr) ?? [];
    refs.push(row[refCol]!);
    groups.set(mr, refs);
  }
  return [...groups].map(([mr, refs]) => ({ mr, refs }));
}
