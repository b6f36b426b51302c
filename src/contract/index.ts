export * from './enums.js';
export * from './operations.js';
export * from './namespace.js';
export * from './shape.js';
export * from './validate.js';
export * from './xml-chars.js';
