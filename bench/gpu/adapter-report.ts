// What the WebGPU adapter offers, asked of Dawn directly: features and the limits that matter to tfjs, with and
// without Dawn's allow_unsafe_apis toggle (which may expose shader-f16 or subgroup matrices on a real GPU).
interface AdapterLike {
  features: Iterable<string>;
  limits: Record<string, number>;
  info: Record<string, unknown>;
}

interface Dawn {
  create(flags: string[]): { requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null> };
}

const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'];

async function describe(dawn: Dawn, flags: string[]): Promise<Record<string, unknown> | null> {
  const adapter = await dawn.create(flags).requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return null;
  return {
    features: [...adapter.features].sort(),
    limits: Object.fromEntries(LIMITS.map((name) => [name, adapter.limits[name] ?? null])),
    subgroupMatrixConfigs: adapter.info['subgroupMatrixConfigs'] ?? null,
  };
}

/** Dawn's view of the adapter; a problem string instead when Dawn cannot be asked. */
export async function adapterReport(): Promise<Record<string, unknown>> {
  try {
    const dawn = (await import('webgpu')) as unknown as Dawn;
    return { default: await describe(dawn, []), allowUnsafeApis: await describe(dawn, ['enable-dawn-features=allow_unsafe_apis']) };
  } catch (error) {
    return { problem: (error as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}
