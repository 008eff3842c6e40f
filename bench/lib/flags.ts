// Command-line flags of a benchmark: `--name value`, `--name=value` or a bare `--switch`, read with typed
// getters whose errors name the flag, what was expected and what was found.
export class Flags {
  private readonly values: Map<string, string | true>;

  constructor(entries: Iterable<[string, string | true]> = []) {
    this.values = new Map(entries);
  }

  /** Parses argv after the benchmark's name; positional words are errors (every input is a named flag). */
  static parse(argv: readonly string[]): Flags {
    const entries: [string, string | true][] = [];
    for (let i = 0; i < argv.length; i++) {
      const word = argv[i]!;
      if (!word.startsWith('--') || word === '--') throw new Error(`expected a flag like --name value, found "${word}"`);
      const eq = word.indexOf('=');
      if (eq > 0) {
        entries.push([word.slice(2, eq), word.slice(eq + 1)]);
      } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
        entries.push([word.slice(2), argv[++i]!]);
      } else {
        entries.push([word.slice(2), true]);
      }
    }
    return new Flags(entries);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  bool(name: string): boolean {
    const v = this.values.get(name);
    if (v === undefined) return false;
    if (v === true || v === 'true') return true;
    if (v === 'false') return false;
    throw new Error(`--${name} is a switch (no value or true/false), found "${v}"`);
  }

  string(name: string, fallback: string): string {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    if (v === true) throw new Error(`--${name} needs a value`);
    return v;
  }

  number(name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    const n = v === true ? Number.NaN : Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in ${min}..${max}, found "${v === true ? '' : v}"`);
    return n;
  }

  /** Comma-separated values, each checked against `allowed` when given. */
  list(name: string, fallback: readonly string[], allowed?: readonly string[]): string[] {
    const v = this.values.get(name);
    if (v === undefined) return [...fallback];
    if (v === true) throw new Error(`--${name} needs a comma-separated list`);
    const items = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const bad = allowed === undefined ? undefined : items.find((s) => !allowed.includes(s));
    if (bad !== undefined) throw new Error(`--${name}: "${bad}" is not one of ${allowed!.join(', ')}`);
    return items;
  }

  numbers(name: string, fallback: readonly number[]): number[] {
    return this.list(name, fallback.map(String)).map((s) => {
      const n = Number(s);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must list positive numbers, found "${s}"`);
      return n;
    });
  }

  /** Batch×length shapes such as "1x128,8x64". */
  shapes(name: string, fallback: readonly string[]): { batch: number; seq: number }[] {
    return this.list(name, fallback).map((s) => {
      const m = /^(\d+)x(\d+)$/.exec(s);
      if (m === null) throw new Error(`--${name} must list shapes like 8x64 (batch x length), found "${s}"`);
      return { batch: Number(m[1]), seq: Number(m[2]) };
    });
  }
}
