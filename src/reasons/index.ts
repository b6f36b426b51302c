export * from './catalog.js';
export * from './mcc.js';
export * from './platform.js';
export * from './genesys.js';
export * from './huawei.js';
export * from './xivo.js';
