export * from './mcc-bridge.js';
