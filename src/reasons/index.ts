export * from './catalog.js';
export * from './mcc.js';
export * from './agent-faces.js';
