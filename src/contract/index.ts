export * from './enums.js';
export * from './operations.js';
export * from './namespace.js';
