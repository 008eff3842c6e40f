// Public surface of @splitlora/node: the Node adapters of the platform-free packages.
export * from './dir-source.js';
export * from './data-dir.js';
export * from './embedded-models.js';
export * from './tokenizer-files.js';
export * from './tf-backend.js';
export * from './dawn-webgpu.js';
export * from './vulkan-env.js';
export * from './ts-worker.js';
