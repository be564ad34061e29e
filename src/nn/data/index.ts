/**
 * Public API of the thermal data module: the synthetic generator, the dataset format and loader,
 * the firmware frame file. Import from here rather than from the individual files.
 */
export type { Box, ThermalFrame } from './types.js';
export {
  generateFrame, generateScene, generateSplitFrames, parseSplitFractions, renderFrame, resolveGeneratorConfig,
  splitCounts, SPLIT_NAMES, validateGeneratorConfig, type GeneratorConfig, type GeneratorOptions, type SplitFractions, type SplitName,
} from './generate.js';
export {
  resolveSensorConfig, SENSOR_NAMES, SENSOR_PRESETS, temporalNoiseK, type SensorConfig, type SensorName,
} from './sensors.js';
export { DEFAULT_SCENE_CONFIG, resolveSceneConfig, type SceneConfig, type ScenarioWeights } from './scene-config.js';
export { buildPerson, clothingSurfaceC, DISTRACTOR_KINDS, type DistractorKind, type Scene } from './scene.js';
export { renderScene, type RenderResult } from './render.js';
export { renderWithSubPages } from './subpages.js';
export { Rng } from './rng.js';
export {
  ANNOTATIONS_FILE, DATASET_FORMAT, DATASET_VERSION, saveDataset, toCoco, type CocoDataset, type DatasetInfo,
  type SplitFrame,
} from './dataset-format.js';
export { loadDataset, type LoadedDataset } from './dataset-load.js';
export { decodeFrameFile, encodeFrameFile, readFrameFile, writeFrameFile, type FrameFile } from './frame-file.js';
export { datasetStats, type DatasetStats } from './inspect.js';
