/** Public API of the detector geometry: anchors, IoU, matching, box codec, NMS, post-processing. */
export * from './types.js';
export * from './anchors.js';
export * from './iou.js';
export * from './match.js';
export * from './codec.js';
export * from './nms.js';
export * from './postprocess.js';
export * from './anchor-fit.js';
