// The one web-standard global the protocol uses (request's pause before a retry), present in browsers, workers and
// Node; declared here so the protocol's tsconfig can leave out both the DOM and Node type libraries.
declare function setTimeout(handler: () => void, ms?: number): unknown;
