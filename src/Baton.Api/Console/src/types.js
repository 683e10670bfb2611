// Built from clients/js by `npm run build:console`; edit the TypeScript there, not this file.
export {};
