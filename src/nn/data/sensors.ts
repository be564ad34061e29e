/**
 * Thermopile / microbolometer sensor profiles for the synthetic generator, with the figures of
 * src/nn/data/THERMAL.md §1 (sensor table) and §4 (sensor model). Every field says its unit.
 *
 * Figures and where they come from:
 * - MLX90640-BAB: 32x24, 55°x35° FoV, NETD 0.1 K RMS at 1 Hz (datasheet p.1) [V]; noise grows with
 *   the refresh rate as sigma(f) = 0.1 K * sqrt(f / 1 Hz) (§1.2, white-noise model) [D];
 *   default refresh 2 Hz [M]; object range -40..300 °C [V]; up to 4 deviating pixels [V];
 *   vertical stripes on some units (melexis issue #56) and fixed-pattern noise (#114, #119) [V].
 * - MLX90640-BAA: same die, 110°x75° lens; IFOV 3.44°x3.12° is uniform in angle, so we project
 *   with an equidistant (f-theta) model instead of a rectilinear crop (§3);
 *   corner pixels are noisier, worst on this part (§1.2) [M].
 * - Lepton 2.5: 80x60, 50° HFOV [V3], VFOV 38.5° derived for a 4:3 pinhole [D]; NETD < 50 mK [V]
 *   at its fixed < 9 Hz export rate (8.7 Hz) [V3]; radiometric TLinear output at 0.01 K [V];
 *   internal NUC/FFC, so no stripes but small global offset jumps [M].
 * Ranges marked [assumption] in §4 (PSF sigma, fixed-pattern sigma, stripe amplitude, corner gain)
 * are sampled per sensor unit so training sees their spread.
 */
import { UserError } from '../../common/errors.js';

export type SensorName = 'mlx90640' | 'mlx90640-wide' | 'lepton';
export const SENSOR_NAMES: readonly SensorName[] = ['mlx90640', 'mlx90640-wide', 'lepton'];

/** How a view direction maps to the image plane. */
export type Projection = 'rectilinear' | 'equidistant';

export interface SensorConfig {
  name: SensorName;
  width: number;
  height: number;
  fovHorizontalDeg: number;
  fovVerticalDeg: number;
  projection: Projection;
  /** Temporal noise (RMS, kelvin) measured at `netdReferenceHz`. */
  netdK: number;
  netdReferenceHz: number;
  /** Frame (for the MLX: sub-page) refresh rate the frames are taken at. */
  refreshHz: number;
  /** True when integration time shrinks with the refresh rate, so sigma grows as sqrt(f). */
  noiseGrowsWithRate: boolean;
  /** Temporal-noise multiplier at the image corners (1 = uniform); grows with radius squared. */
  cornerNoiseGain: number;
  /** Gaussian optical PSF / crosstalk sigma in pixels, sampled per unit in [lo, hi]. */
  psfSigmaPx: [number, number];
  /** Per-pixel fixed offset sigma (kelvin), sampled per unit in [lo, hi]. */
  fixedPatternSigmaK: [number, number];
  /** Share of sensor units with column/row stripe artefacts. */
  stripeUnitShare: number;
  /** Largest stripe offset (kelvin) on a striped unit. */
  stripeMaxK: number;
  /** Dead or outlier pixels per unit: uniform in [0, maxDeadPixels]. */
  maxDeadPixels: number;
  /** Global per-frame offset sigma (kelvin): absolute accuracy and slow drift. */
  frameOffsetSigmaK: number;
  /**
   * MLX chess readout: a full frame merges two sub-pages taken 1/refreshHz apart, each measuring
   * the pixels of one chessboard colour, so moving people show comb artefacts (§1.2, §4 step 6).
   */
  chessSubPages: boolean;
  /** Output resolution in kelvin (0 = no quantisation). */
  quantisationK: number;
  /** Measurable object range; readings are clamped to it. */
  minC: number;
  maxC: number;
}

const MLX_COMMON = {
  netdK: 0.1,
  netdReferenceHz: 1,
  refreshHz: 2,
  noiseGrowsWithRate: true,
  psfSigmaPx: [0.3, 0.7] as [number, number],
  fixedPatternSigmaK: [0.1, 0.3] as [number, number],
  stripeUnitShare: 0.15,
  stripeMaxK: 1.0,
  maxDeadPixels: 4,
  frameOffsetSigmaK: 0.5,
  chessSubPages: true,
  // The Melexis driver returns floats; 0.01 K is the step of our int16 frame file (frame-file.ts).
  quantisationK: 0.01,
  minC: -40,
  maxC: 300,
};

export const SENSOR_PRESETS: Readonly<Record<SensorName, SensorConfig>> = {
  mlx90640: {
    name: 'mlx90640', width: 32, height: 24, fovHorizontalDeg: 55, fovVerticalDeg: 35,
    projection: 'rectilinear', cornerNoiseGain: 1.5, ...MLX_COMMON,
  },
  'mlx90640-wide': {
    name: 'mlx90640-wide', width: 32, height: 24, fovHorizontalDeg: 110, fovVerticalDeg: 75,
    projection: 'equidistant', cornerNoiseGain: 2.0, ...MLX_COMMON, stripeUnitShare: 0.2, stripeMaxK: 1.5,
  },
  lepton: {
    name: 'lepton', width: 80, height: 60, fovHorizontalDeg: 50, fovVerticalDeg: 38.5,
    projection: 'rectilinear', netdK: 0.05, netdReferenceHz: 8.7, refreshHz: 8.7,
    noiseGrowsWithRate: false, cornerNoiseGain: 1.2, psfSigmaPx: [0.4, 0.8],
    fixedPatternSigmaK: [0.02, 0.06], stripeUnitShare: 0, stripeMaxK: 0, maxDeadPixels: 2,
    frameOffsetSigmaK: 0.3, chessSubPages: false, quantisationK: 0.01, minC: -10, maxC: 140,
  },
};

/** Temporal noise RMS (kelvin) at the image centre for the configured refresh rate (§1.2). */
export function temporalNoiseK(sensor: SensorConfig): number {
  if (!sensor.noiseGrowsWithRate) return sensor.netdK;
  return sensor.netdK * Math.sqrt(sensor.refreshHz / sensor.netdReferenceHz);
}

/**
 * A full sensor config from a preset name plus overrides, validated. Errors name the field, e.g.
 * `sensor.refreshHz: must be a number in [0.5, 64], got 100`.
 */
export function resolveSensorConfig(
  name: string = 'mlx90640',
  overrides: Partial<Omit<SensorConfig, 'name'>> = {},
): SensorConfig {
  if (!(SENSOR_NAMES as readonly string[]).includes(name)) {
    throw new UserError(`sensor: unknown sensor '${name}' (choose ${SENSOR_NAMES.join(', ')})`);
  }
  const config: SensorConfig = { ...SENSOR_PRESETS[name as SensorName], ...overrides, name: name as SensorName };
  validateSensorConfig(config);
  return config;
}

export function validateSensorConfig(c: SensorConfig): void {
  const where = 'sensor';
  intIn(c.width, 1, 1024, `${where}.width`);
  intIn(c.height, 1, 1024, `${where}.height`);
  numIn(c.fovHorizontalDeg, 1, c.projection === 'rectilinear' ? 170 : 180, `${where}.fovHorizontalDeg`);
  numIn(c.fovVerticalDeg, 1, c.projection === 'rectilinear' ? 170 : 180, `${where}.fovVerticalDeg`);
  if (c.projection !== 'rectilinear' && c.projection !== 'equidistant') {
    throw new UserError(`${where}.projection: must be 'rectilinear' or 'equidistant', got '${String(c.projection)}'`);
  }
  numIn(c.netdK, 0, 10, `${where}.netdK`);
  numIn(c.netdReferenceHz, 0.01, 1000, `${where}.netdReferenceHz`);
  // MLX90640 refresh is programmable 0.5-64 Hz (datasheet p.1); other parts get a wide sanity range.
  if (c.name === 'mlx90640' || c.name === 'mlx90640-wide') numIn(c.refreshHz, 0.5, 64, `${where}.refreshHz`);
  else numIn(c.refreshHz, 0.01, 1000, `${where}.refreshHz`);
  numIn(c.cornerNoiseGain, 1, 10, `${where}.cornerNoiseGain`);
  rangeIn(c.psfSigmaPx, 0, 5, `${where}.psfSigmaPx`);
  rangeIn(c.fixedPatternSigmaK, 0, 10, `${where}.fixedPatternSigmaK`);
  numIn(c.stripeUnitShare, 0, 1, `${where}.stripeUnitShare`);
  numIn(c.stripeMaxK, 0, 20, `${where}.stripeMaxK`);
  intIn(c.maxDeadPixels, 0, c.width * c.height, `${where}.maxDeadPixels`);
  numIn(c.frameOffsetSigmaK, 0, 20, `${where}.frameOffsetSigmaK`);
  if (typeof c.chessSubPages !== 'boolean') throw new UserError(`${where}.chessSubPages: must be true or false`);
  numIn(c.quantisationK, 0, 10, `${where}.quantisationK`);
  numIn(c.minC, -273.15, 2000, `${where}.minC`);
  numIn(c.maxC, c.minC, 2000, `${where}.maxC`);
}

export function numIn(v: unknown, lo: number, hi: number, field: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new UserError(`${field}: must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
}

export function intIn(v: unknown, lo: number, hi: number, field: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new UserError(`${field}: must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
}

/** A [lo, hi] pair with lo <= hi inside [min, max]. */
export function rangeIn(v: unknown, min: number, max: number, field: string): void {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new UserError(`${field}: must be a [lo, hi] pair, got ${JSON.stringify(v)}`);
  }
  numIn(v[0], min, max, `${field}[0]`);
  numIn(v[1], v[0] as number, max, `${field}[1]`);
}
