// The wire protocol's version: a client and a server talk only when their versions are equal.
// 2: the client manifest carries the cut once, in `split` (version 1 also had a top-level `cut`).
export const PROTOCOL_VERSION = 2;
