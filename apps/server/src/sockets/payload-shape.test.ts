import { describe, expect, it } from 'vitest';
import { payloadShapeProblem } from './payload-shape.js';

describe('payloadShapeProblem', () => {
  it('accepts plain JSON with binaries', () => {
    expect(payloadShapeProblem({ a: [1, { b: 'x' }], data: new Uint8Array(4), buf: new ArrayBuffer(2) })).toBeNull();
    expect(payloadShapeProblem(Object.assign(Object.create(null) as object, { a: 1 }))).toBeNull();
  });

  it('finds a __proto__ key, as JSON.parse keeps it or as socket.io\'s binary reconstruction assigns it', () => {
    expect(payloadShapeProblem(JSON.parse('{"stamp":{"__proto__":{"x":1}}}'))).toMatch(/__proto__/);
    const reconstructed: Record<string, unknown> = {};
    reconstructed['__proto__'] = { polluted: true }; // an assignment: sets the prototype, the key disappears
    expect(Object.keys(reconstructed)).toEqual([]);
    expect(payloadShapeProblem({ adapter: reconstructed })).toMatch(/adapter carries a __proto__ key/);
  });

  it('refuses deep nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(payloadShapeProblem({ x: deep })).toMatch(/nested deeper/);
  });
});
