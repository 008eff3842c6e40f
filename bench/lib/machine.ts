// The machine a benchmark ran on (printed with every JSON result) and this process's memory.
import { cpus, loadavg, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

export function machineInfo(): Record<string, unknown> {
  return {
    cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version, tfjs: tf.version_core, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100, date: new Date().toISOString(),
  };
}

export function memoryMiB(): { rssMiB: number; heapUsedMiB: number; externalMiB: number } {
  const m = process.memoryUsage();
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external) };
}
