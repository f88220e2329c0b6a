export * from './entities.js';
export * from './fields.js';
export * from './tools.js';
export * from './caller.js';
