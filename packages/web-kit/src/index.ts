// Public surface of @splitlora/web-kit.
export * from './dom.js';
export * from './format.js';
export * from './zip.js';
