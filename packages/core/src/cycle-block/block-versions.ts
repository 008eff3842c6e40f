// The server's per-block versions (FedCyBGD): each block of the cycle has a version (0 = the base weights every
// volunteer downloads) and keeps the tensors of every version a volunteer still holds, so a volunteer gets the
// blocks it lacks as deltas against the version it has. Old versions no volunteer holds are dropped.
import { fail } from '../errors.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';

export class BlockVersions {
  /** versions[b] maps a version number to block b's tensors at that version. */
  private readonly versions: Map<number, NamedHostTensors>[];
  private readonly latestOf: number[];

  /** `initial[b]`: block b's tensors at version 0. */
  constructor(initial: readonly NamedHostTensors[]) {
    this.versions = initial.map((tensors) => new Map([[0, tensors]]));
    this.latestOf = initial.map(() => 0);
  }

  get blocks(): number {
    return this.latestOf.length;
  }

  /** The latest version of every block. */
  latest(): number[] {
    return [...this.latestOf];
  }

  /** Block b's tensors at `version`, or null when that version was dropped (or never existed). */
  at(b: number, version = this.latestOf[b]!): NamedHostTensors | null {
    this.check(b);
    return this.versions[b]!.get(version) ?? null;
  }

  /** Block b's next version; returns its number. */
  commit(b: number, tensors: NamedHostTensors): number {
    this.check(b);
    const version = this.latestOf[b]! + 1;
    this.versions[b]!.set(version, tensors);
    this.latestOf[b] = version;
    return version;
  }

  /** A resumed run's block b: `tensors` becomes its latest version, numbered `version` (above every version it has). */
  restore(b: number, version: number, tensors: NamedHostTensors): void {
    this.check(b);
    if (!Number.isInteger(version) || version <= this.latestOf[b]!) fail('range', `block ${b}: a restored version must be a whole number above ${this.latestOf[b]}, found ${version}`);
    this.versions[b]!.set(version, tensors);
    this.latestOf[b] = version;
  }

  /** Drops every version that is neither the latest nor held by a volunteer (`held`: what each one holds). */
  prune(held: Iterable<readonly number[]>): void {
    const keep = this.versions.map((_, b) => new Set([this.latestOf[b]!]));
    for (const versions of held) versions.forEach((v, b) => keep[b]?.add(v));
    this.versions.forEach((table, b) => {
      for (const v of table.keys()) if (!keep[b]!.has(v)) table.delete(v);
    });
  }

  /** Whether `versions` is a version vector this store could have handed out (one known version per block). */
  isValid(versions: readonly number[]): boolean {
    return versions.length === this.blocks && versions.every((v, b) => Number.isInteger(v) && v >= 0 && v <= this.latestOf[b]!);
  }

  private check(b: number): void {
    if (!Number.isInteger(b) || b < 0 || b >= this.blocks) fail('range', `block ${b} out of range 0..${this.blocks - 1}`);
  }
}

/** The difference of two versions of a block (`to − from`), name by name. */
export function blockDelta(to: NamedHostTensors, from: NamedHostTensors): NamedHostTensors {
  const out: NamedHostTensors = {};
  for (const [name, t] of Object.entries(to)) {
    const f = from[name];
    if (f === undefined || f.data.length !== t.data.length) fail('adapter', `block delta: ${name} is missing or has another size in the older version`);
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) data[i] = t.data[i]! - f.data[i]!;
    out[name] = { shape: t.shape, data };
  }
  return out;
}
