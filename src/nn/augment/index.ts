export * from './cutmix.js';
