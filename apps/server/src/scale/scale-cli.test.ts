import { describe, expect, it } from 'vitest';
import { scaleRole } from './scale-cli.js';

describe('scaleRole', () => {
  it('keeps the single-process default without Redis', () => {
    expect(scaleRole(undefined, undefined, undefined)).toBeNull();
    expect(scaleRole('single', undefined, undefined)).toBeNull();
  });

  it('reads a coordinator and a named worker', () => {
    expect(scaleRole('coordinator', 'redis://127.0.0.1:6379', undefined)).toEqual({ role: 'coordinator', redisUrl: 'redis://127.0.0.1:6379' });
    expect(scaleRole('worker', 'redis://r:6379', 'gpu-1')).toEqual({ role: 'worker', redisUrl: 'redis://r:6379', name: 'gpu-1' });
  });

  it('says what is wrong with a bad combination', () => {
    expect(() => scaleRole(undefined, 'redis://r:6379', undefined)).toThrow(/--redis needs --role/);
    expect(() => scaleRole('master', 'redis://r:6379', undefined)).toThrow(/single, coordinator or worker, found "master"/);
    expect(() => scaleRole('worker', undefined, undefined)).toThrow(/needs --redis/);
    expect(() => scaleRole('worker', 'localhost:6379', undefined)).toThrow(/found "localhost:6379"/);
    expect(() => scaleRole('worker', 'redis://r:6379', 'a b')).toThrow(/--worker-name must be/);
    expect(() => scaleRole('coordinator', 'redis://r:6379', 'w')).toThrow(/--worker-name is for --role worker/);
  });
});
