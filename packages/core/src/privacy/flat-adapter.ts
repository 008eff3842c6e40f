// An adapter as one flat vector (names in sorted order) and back: clipping takes the L2 norm over all tensors, and
// secure aggregation masks one vector. The layout comes from the global adapter; every update must match it.
import { fail, formatShape } from '../errors.js';
import { countElements, type NamedHostTensors, sameShape } from '../tensors/named-tensors.js';

export interface FlatLayoutEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface FlatLayout {
  entries: FlatLayoutEntry[];
  /** Elements in all tensors together. */
  length: number;
}

export function flatLayoutOf(table: NamedHostTensors | Record<string, number[]>): FlatLayout {
  const entries: FlatLayoutEntry[] = [];
  let offset = 0;
  for (const name of Object.keys(table).sort()) {
    const value = table[name]!;
    const shape = Array.isArray(value) ? [...value] : [...value.shape];
    const length = countElements(shape);
    entries.push({ name, shape, offset, length });
    offset += length;
  }
  if (entries.length === 0) fail('adapter', 'an adapter needs at least one tensor');
  return { entries, length: offset };
}

/** The adapter's values in layout order (float64), after checking names and shapes; `source` names it in errors. */
export function flattenAdapter(table: NamedHostTensors, layout: FlatLayout, source: string): Float64Array {
  const extra = Object.keys(table).find((name) => !layout.entries.some((e) => e.name === name));
  if (extra !== undefined) fail('adapter', `adapter of ${source} has ${extra}, absent from the global adapter`);
  const out = new Float64Array(layout.length);
  for (const { name, shape, offset, length } of layout.entries) {
    const tensor = table[name];
    if (tensor === undefined) fail('adapter', `adapter of ${source} lacks ${name}`);
    if (!sameShape(tensor.shape, shape)) fail('adapter', `adapter tensor ${name}: the global adapter has shape ${formatShape(shape)}, ${source} has ${formatShape(tensor.shape)}`);
    if (tensor.data.length !== length) fail('adapter', `adapter tensor ${name} of ${source}: shape ${formatShape(shape)} needs ${length} values, found ${tensor.data.length}`);
    out.set(tensor.data, offset);
  }
  return out;
}

export function unflattenAdapter(vector: ArrayLike<number>, layout: FlatLayout): NamedHostTensors {
  if (vector.length !== layout.length) fail('adapter', `a flat adapter of this layout has ${layout.length} values, found ${vector.length}`);
  const out: NamedHostTensors = {};
  for (const { name, shape, offset, length } of layout.entries) {
    const data = new Float32Array(length);
    for (let i = 0; i < length; i++) data[i] = vector[offset + i]!;
    out[name] = { shape: [...shape], data };
  }
  return out;
}
