/** Public API of the losses: config and ablations, each term with its gradient, mining, the combination. */
export * from './config.js';
export * from './sigmoid.js';
export * from './focal.js';
export * from './confidence.js';
export * from './huber.js';
export * from './fbeta.js';
export * from './mining.js';
export * from './targets.js';
export * from './detection-loss.js';
