// Built from clients/js by `npm run build:console`; edit the TypeScript there, not this file.
export { BatonClient } from './client.js';
export { BatonError, readProblem } from './errors.js';
