/** mockgraph's public surface: what the CLI, contract tests and embedding projects import. */
export { createApp } from './app';
export type { AppOptions } from './options';
export { GRAPH_ERROR_CATALOG, GraphError } from './graph/errors';
export type { GraphErrorCode } from './graph/errors';
export { loadGraphDefinition } from './graph/registry';
export type { GraphDefinition } from './graph/registry';
export { VALIDATION_PROFILES, isValidationProfile } from './graph/validate';
export type { ValidationProfile } from './graph/validate';
export { normalizeTypeName } from './graph/model';
export { createMemoryStore } from './store/memory-store';
export type { Entity, EntityStore } from './store/store';
export { AUTH_MODES, isAuthMode, mintAccessToken } from './graph/access-token';
export type { AuthMode, AccessTokenClaims } from './graph/access-token';
export { generateProfiles } from './seed/generate';
export { createMockServer, DEFAULT_TIMEOUTS, MAX_URL_LENGTH } from './http/server';
export type { ServerTimeouts } from './http/server';
export { compareInstants, toInstant } from './odata/query/instant';
export type { Instant } from './odata/query/instant';
