// Checks what a schema cannot see: an object whose prototype was replaced (socket.io's binary reconstruction assigns
// a `__proto__` key as the prototype, so the key vanishes from the strict-object check), and nesting deep enough to
// exhaust the stack of the validation.
const MAX_DEPTH = 32;

const isBinary = (v: object) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);

/** A description of the first problem found in `payload`, or null for a plain JSON-with-binaries value. */
export function payloadShapeProblem(payload: unknown): string | null {
  const visit = (value: unknown, path: string, depth: number): string | null => {
    if (value === null || typeof value !== 'object' || isBinary(value)) return null;
    if (depth > MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH} levels`;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return `${path} carries a __proto__ key`;
    for (const key of Object.keys(value)) {
      if (key === '__proto__') return `${path} carries a __proto__ key`;
      const problem = visit((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  };
  return visit(payload, '(payload)', 0);
}
