// Root Vite config: shared settings for the web apps' builds, and the unit/integration test runner (Vitest).
import { defineConfig } from 'vitest/config';
import { swiftShaderVulkanEnv } from './packages/node/src/vulkan-env.js';

// Tests on the webgpu backend run on Dawn over SwiftShader (Chromium's software Vulkan) unless a Vulkan driver
// is named: set here, before the test processes start, because the dynamic linker reads LD_LIBRARY_PATH then.
if (process.env['VK_ICD_FILENAMES'] === undefined) Object.assign(process.env, swiftShaderVulkanEnv() ?? {});

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'bench/**/*.test.ts', 'tools/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
