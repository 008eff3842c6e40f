// Vite's client types for the benchmark page (`?url` imports of the wasm binaries).
/// <reference types="vite/client" />
