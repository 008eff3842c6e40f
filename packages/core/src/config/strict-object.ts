// Checks a plain config object against its allowed keys, so a typo fails loudly with the key's name.
import { fail } from '../errors.js';

export function rejectUnknownKeys(what: string, value: object, allowed: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    fail('config', `unknown ${what} key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; allowed keys: ${allowed.join(', ')}`);
  }
}

export function requirePositiveInt(what: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail('config', `${what}.${key} must be a positive integer, found ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireNumberIn(what: string, key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail('config', `${what}.${key} must be a number in [${min}, ${max}], found ${JSON.stringify(value)}`);
  }
  return value;
}
