// Where Dawn's Vulkan comes from on Linux: the system's loader (libvulkan1) and drivers, or — for a software
// adapter on machines without a GPU — the loader and SwiftShader driver that Chromium ships. Used to explain a
// missing adapter, and by the test runner to give tests a WebGPU adapter.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Chromium's folder with libvulkan.so.1 and the SwiftShader Vulkan driver (Debian's chromium package). */
export const CHROMIUM_LIB_DIR = '/usr/lib/chromium';
const SWIFTSHADER_ICD = join(CHROMIUM_LIB_DIR, 'vk_swiftshader_icd.json');
const SYSTEM_LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];

/** Whether a Vulkan loader can be found by the dynamic linker of this process (system folders or LD_LIBRARY_PATH). */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = [...(env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d.length > 0), ...SYSTEM_LIB_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/**
 * The environment that gives this machine a software WebGPU adapter (SwiftShader through Chromium's Vulkan), or
 * null when Chromium's files are not there. LD_LIBRARY_PATH only takes effect in a process started with it.
 */
export function swiftShaderVulkanEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> | null {
  if (!existsSync(SWIFTSHADER_ICD)) return null;
  const out: Record<string, string> = { VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  if (!vulkanLoaderPresent(env)) out['LD_LIBRARY_PATH'] = [CHROMIUM_LIB_DIR, env['LD_LIBRARY_PATH']].filter((p) => p).join(':');
  return out;
}

/** What to do when Dawn finds no adapter: install the loader, or point Vulkan at a driver. */
export function missingAdapterAdvice(env: NodeJS.ProcessEnv = process.env): string {
  const swiftShader = existsSync(SWIFTSHADER_ICD);
  if (process.platform !== 'linux') return 'Dawn found no GPU adapter';
  if (!vulkanLoaderPresent(env)) {
    return 'no Vulkan loader (libvulkan.so.1): install it (apt-get install libvulkan1)'
      + (swiftShader ? ` or start with LD_LIBRARY_PATH=${CHROMIUM_LIB_DIR} VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (Chromium's, software)` : '');
  }
  return 'Vulkan found no driver: install the GPU vendor\'s Vulkan driver'
    + (swiftShader ? `, or for a software adapter set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}` : '');
}
