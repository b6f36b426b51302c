export { EmbeddedEngine, type EngineOptions } from './engine.js';
