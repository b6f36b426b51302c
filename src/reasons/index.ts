export * from './catalog.js';
export * from './mcc.js';
