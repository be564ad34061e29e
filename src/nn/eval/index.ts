/** Public API of evaluation: matching, AP, the metric set and its tables. */
export * from './matching.js';
export * from './ap.js';
export * from './evaluate.js';
export * from './format.js';
export * from './operating-point.js';
export * from './breakdown.js';
export * from './frame-errors.js';
export * from './error-kinds.js';
