export * from './catalog.js';
export * from './mcc.js';
export * from './agent-faces.js';
export * from './vendors.js';
