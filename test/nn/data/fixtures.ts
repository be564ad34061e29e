/** Hand-built scenes for physics tests: a flat room, people placed by hand, a noise-free sensor. */
import { resolveGeneratorConfig, type GeneratorConfig } from '../../../src/nn/data/generate.js';
import { buildPerson, type Person, type PersonSpec, type Room, type Scene } from '../../../src/nn/data/scene.js';
import { resolveSensorConfig, type SensorConfig, type SensorName } from '../../../src/nn/data/sensors.js';

export function flatRoom(ambientC = 22): Room {
  return {
    xMin: -30, xMax: 30, zMin: -30, zMax: 30, ceilingM: 3, ambientC, floorC: ambientC, ceilingC: ambientC,
    wallOffsetC: [0, 0, 0, 0], wallGradientKPerM: 0,
  };
}

export function person(over: Partial<PersonSpec>): Person {
  return buildPerson({
    x: 0, z: 3, heightM: 1.7, posture: 'standing', yawDeg: 0, headC: 34, skinC: 34, upperC: 29, lowerC: 28, ...over,
  });
}

export function sideScene(people: Person[], cameraHeightM = 0.85, ambientC = 22): Scene {
  return { mount: 'side', camera: { heightM: cameraHeightM, pitchDeg: 0 }, room: flatRoom(ambientC), people, objects: [], tags: [] };
}

/** A sensor with every artefact switched off (optionally keeping the optical PSF). */
export function idealSensor(name: SensorName = 'mlx90640', keepPsf = false): SensorConfig {
  return resolveSensorConfig(name, {
    netdK: 0, fixedPatternSigmaK: [0, 0], stripeUnitShare: 0, maxDeadPixels: 0, frameOffsetSigmaK: 0,
    quantisationK: 0, ...(keepPsf ? {} : { psfSigmaPx: [0, 0] as [number, number] }),
  });
}

export function configWith(sensor: SensorConfig, sensorUnits = 1): GeneratorConfig {
  return { ...resolveGeneratorConfig({ sensorUnits }), sensor };
}
