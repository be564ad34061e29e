/**
 * Scene sampling envelope (src/nn/data/THERMAL.md §2.2, §5, §8 "Generator sampling envelope"): ambient
 * 15-30 °C, clothing 0.3-1.5 clo, skin 32-35 °C, 0-6 people, 0-3 distractors, side and overhead
 * mounts. Walking people (share and speed [assumption]) make the MLX chess sub-page artefact appear
 * (subpages.ts). Every range is [lo, hi] and validated with a message naming the field.
 */
import { UserError } from '../../common/errors.js';
import { DISTRACTOR_KINDS, type DistractorKind } from './scene.js';
import { intIn, numIn, rangeIn } from './sensors.js';

/** Scenario mix: what a frame is about. 'overlapping' = adjacent/occluding groups (the hard case). */
export interface ScenarioWeights {
  empty: number;
  single: number;
  several: number;
  overlapping: number;
}

export interface SceneConfig {
  /** 'mixed' draws overhead with probability `overheadShare`, side otherwise. */
  mount: 'side' | 'overhead' | 'mixed';
  overheadShare: number;
  scenarioWeights: ScenarioWeights;
  ambientC: [number, number];
  skinC: [number, number];
  clothingClo: [number, number];
  personHeightM: [number, number];
  seatedShare: number;
  /** Share of standing people who are walking, and their speed (m/s). */
  walkingShare: number;
  walkSpeedMps: [number, number];
  maxPeople: number;
  maxDistractors: number;
  distractorKinds: DistractorKind[];
  /** Side mount: camera height, pitch below horizontal, and person distance along the floor. */
  sideHeightM: [number, number];
  sidePitchDeg: [number, number];
  distanceM: [number, number];
  /** Overhead mount: ceiling height (the camera is flush with it). */
  ceilingM: [number, number];
}

export const DEFAULT_SCENE_CONFIG: Readonly<SceneConfig> = {
  mount: 'mixed',
  overheadShare: 0.4,
  scenarioWeights: { empty: 0.15, single: 0.25, several: 0.25, overlapping: 0.35 },
  ambientC: [15, 30],
  skinC: [32, 35],
  clothingClo: [0.3, 1.5],
  personHeightM: [1.55, 1.95],
  seatedShare: 0.25,
  walkingShare: 0.3,
  walkSpeedMps: [0.5, 1.4],
  maxPeople: 6,
  maxDistractors: 3,
  distractorKinds: [...DISTRACTOR_KINDS],
  sideHeightM: [1.0, 2.5],
  sidePitchDeg: [0, 40],
  distanceM: [1, 8],
  ceilingM: [2.4, 3.0],
};

export function resolveSceneConfig(overrides: Partial<SceneConfig> = {}): SceneConfig {
  const c: SceneConfig = {
    ...DEFAULT_SCENE_CONFIG,
    ...overrides,
    scenarioWeights: { ...DEFAULT_SCENE_CONFIG.scenarioWeights, ...overrides.scenarioWeights },
  };
  validateSceneConfig(c);
  return c;
}

export function validateSceneConfig(c: SceneConfig): void {
  const w = 'scene';
  if (c.mount !== 'side' && c.mount !== 'overhead' && c.mount !== 'mixed') {
    throw new UserError(`${w}.mount: must be 'side', 'overhead' or 'mixed', got '${String(c.mount)}'`);
  }
  numIn(c.overheadShare, 0, 1, `${w}.overheadShare`);
  let total = 0;
  for (const key of ['empty', 'single', 'several', 'overlapping'] as const) {
    numIn(c.scenarioWeights[key], 0, 1e6, `${w}.scenarioWeights.${key}`);
    total += c.scenarioWeights[key];
  }
  if (total <= 0) throw new UserError(`${w}.scenarioWeights: at least one weight must be > 0`);
  rangeIn(c.ambientC, -20, 45, `${w}.ambientC`);
  rangeIn(c.skinC, 20, 42, `${w}.skinC`);
  rangeIn(c.clothingClo, 0, 4, `${w}.clothingClo`);
  rangeIn(c.personHeightM, 0.5, 2.5, `${w}.personHeightM`);
  numIn(c.seatedShare, 0, 1, `${w}.seatedShare`);
  numIn(c.walkingShare, 0, 1, `${w}.walkingShare`);
  rangeIn(c.walkSpeedMps, 0, 5, `${w}.walkSpeedMps`);
  intIn(c.maxPeople, 0, 20, `${w}.maxPeople`);
  intIn(c.maxDistractors, 0, 10, `${w}.maxDistractors`);
  if (!Array.isArray(c.distractorKinds)) throw new UserError(`${w}.distractorKinds: must be a list`);
  c.distractorKinds.forEach((k, i) => {
    if (!DISTRACTOR_KINDS.includes(k)) {
      throw new UserError(`${w}.distractorKinds[${i}]: unknown kind '${String(k)}' (choose ${DISTRACTOR_KINDS.join(', ')})`);
    }
  });
  rangeIn(c.sideHeightM, 0.3, 5, `${w}.sideHeightM`);
  rangeIn(c.sidePitchDeg, 0, 80, `${w}.sidePitchDeg`);
  rangeIn(c.distanceM, 0.5, 30, `${w}.distanceM`);
  rangeIn(c.ceilingM, 2, 6, `${w}.ceilingM`);
  if (c.maxPeople < 2 && (c.scenarioWeights.several > 0 || c.scenarioWeights.overlapping > 0)) {
    throw new UserError(`${w}.maxPeople: must be >= 2 when 'several' or 'overlapping' scenarios have weight`);
  }
  if (c.maxPeople < 1 && c.scenarioWeights.single > 0) {
    throw new UserError(`${w}.maxPeople: must be >= 1 when the 'single' scenario has weight`);
  }
}
