// The wire protocol's version: a client and a server talk only when their versions are equal.
export const PROTOCOL_VERSION = 1;
