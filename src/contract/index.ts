export * from './enums.js';
export * from './operations.js';
