export { BatonClient } from './client.js';
export type { BatonClientOptions, Coordination, FetchLike, RefreshTokenStore } from './client.js';
export { BatonError, readProblem } from './errors.js';
export type { Clock, ChannelLike, LockManagerLike, StorageLike, StorageEventSourceLike } from './coordination.js';
export type * from './types.js';
