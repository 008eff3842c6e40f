// Where Vulkan comes from: the loader is found through LD_LIBRARY_PATH or the system folders, and the advice for a
// missing adapter says what to install or set.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_LIB_DIR, missingAdapterAdvice, swiftShaderVulkanEnv, vulkanLoaderPresent } from './vulkan-env.js';

const chromium = existsSync(`${CHROMIUM_LIB_DIR}/libvulkan.so.1`);

describe('vulkan-env', () => {
  it.runIf(chromium)('finds Chromium\'s loader through LD_LIBRARY_PATH and builds the SwiftShader environment', () => {
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: CHROMIUM_LIB_DIR })).toBe(true);
    const env = swiftShaderVulkanEnv({ LD_LIBRARY_PATH: '/opt/x' })!;
    expect(env['VK_ICD_FILENAMES']).toBe(`${CHROMIUM_LIB_DIR}/vk_swiftshader_icd.json`);
    if (!vulkanLoaderPresent({})) expect(env['LD_LIBRARY_PATH']).toBe(`${CHROMIUM_LIB_DIR}:/opt/x`);
  });

  it('advises installing the loader when there is none, else a driver', () => {
    if (!vulkanLoaderPresent({})) expect(missingAdapterAdvice({})).toMatch(/no Vulkan loader \(libvulkan.so.1\): install it \(apt-get install libvulkan1\)/);
    expect(missingAdapterAdvice({ LD_LIBRARY_PATH: chromium ? CHROMIUM_LIB_DIR : '' })).toMatch(chromium ? /Vulkan found no driver/ : /Vulkan/);
  });
});
