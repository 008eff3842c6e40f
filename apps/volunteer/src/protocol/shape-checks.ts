// Small runtime checks for messages crossing the worker boundary; each failure says where, what was expected and
// what was found (a hand-written stand-in for a zod schema, so the page bundle stays small).

export class MessageShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageShapeError';
  }
}

export type Fields = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function fail(where: string, expected: string, found: unknown): never {
  throw new MessageShapeError(`${where}: expected ${expected}, found ${describe(found)}`);
}

export function record(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'an object', value);
  return value as Fields;
}

/** Refuses keys other than `allowed`, so typos and stray fields are caught. */
export function onlyKeys(fields: Fields, allowed: readonly string[], where: string): void {
  const extra = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new MessageShapeError(`${where}: unexpected field "${extra[0]}" (allowed: ${allowed.join(', ')})`);
}

export function str(fields: Fields, key: string, where: string, options: { min?: number; max?: number } = {}): string {
  const value = fields[key];
  if (typeof value !== 'string') fail(`${where}.${key}`, 'a string', value);
  if (value.length < (options.min ?? 0) || value.length > (options.max ?? Number.MAX_SAFE_INTEGER)) {
    fail(`${where}.${key}`, `a string of ${options.min ?? 0}..${options.max ?? '∞'} characters`, value);
  }
  return value;
}

export function optionalStr(fields: Fields, key: string, where: string, options: { max?: number } = {}): string | undefined {
  return fields[key] === undefined ? undefined : str(fields, key, where, options);
}

export function num(fields: Fields, key: string, where: string, options: { int?: boolean; min?: number } = {}): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where}.${key}`, 'a finite number', value);
  if (options.int && !Number.isInteger(value)) fail(`${where}.${key}`, 'an integer', value);
  if (options.min !== undefined && value < options.min) fail(`${where}.${key}`, `a number ≥ ${options.min}`, value);
  return value;
}

export function nullableNum(fields: Fields, key: string, where: string): number | null {
  return fields[key] === null ? null : num(fields, key, where);
}

export function bool(fields: Fields, key: string, where: string): boolean {
  const value = fields[key];
  if (typeof value !== 'boolean') fail(`${where}.${key}`, 'true or false', value);
  return value;
}

export function oneOf<T extends string>(fields: Fields, key: string, allowed: readonly T[], where: string): T {
  const value = fields[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(`${where}.${key}`, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

export function list(fields: Fields, key: string, where: string): unknown[] {
  const value = fields[key];
  if (!Array.isArray(value)) fail(`${where}.${key}`, 'an array', value);
  return value;
}
