// Turns a zod issue (run config or generate request) into a message for its field that says what was expected and what was found.
import type { runConfigSchema } from '@splitlora/protocol';

/** A zod issue (the same union for every schema; taken from runConfigSchema so the app needs no direct zod import). */
export type SchemaIssue = NonNullable<ReturnType<typeof runConfigSchema.safeParse>['error']>['issues'][number];

function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
}

export function issueMessage(issue: SchemaIssue, found: unknown): string {
  const tail = found === undefined ? '' : `, found ${shown(found)}`;
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return min <= 1 ? 'choose at least one' : `choose at least ${min}`;
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must have at least ${min} characters`;
      return issue.inclusive ? `must be at least ${min}${tail}` : `must be greater than ${min}${tail}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return `choose at most ${max}`;
      if (issue.origin === 'string') return `must have at most ${max} characters`;
      return issue.inclusive ? `must be at most ${max}${tail}` : `must be less than ${max}${tail}`;
    }
    case 'invalid_type':
      return issue.expected === 'int' ? `must be a whole number${tail}` : `expected ${issue.expected}${tail}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(shown).join(', ')}${tail}`;
    default:
      return issue.message;
  }
}
