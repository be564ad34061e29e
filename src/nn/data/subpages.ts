/**
 * MLX90640 chess-mode readout (src/nn/data/THERMAL.md §1.2, §4 step 6): the sensor measures the pixels
 * of one chessboard colour per sub-page, and the Melexis API updates only the newest sub-page's pixels, so
 * a full frame mixes two instants 1/refreshHz apart. Walking people then show comb / chessboard
 * artefacts (melexis/mlx90640-library issues #51, #58). Static scenes are unaffected.
 */
import { markOverlaps, renderScene, withVisibility, type RenderResult } from './render.js';
import { shiftPerson, type Scene } from './scene.js';
import type { SensorConfig } from './sensors.js';
import type { Box } from './types.js';

/**
 * Renders `scene` as the sensor reads it at frame `frameIndex`: with chess sub-pages and moving
 * people, pixels of the newest sub-page's colour ((x + y) % 2 === frameIndex % 2) show the people
 * where they are now, the others where they were one sub-page earlier. A person's box is the
 * union of its boxes at both instants.
 */
export function renderWithSubPages(scene: Scene, sensor: SensorConfig, oversample: number, frameIndex: number): RenderResult {
  if (!sensor.chessSubPages || !scene.people.some((p) => p.velocity)) return renderScene(scene, sensor, oversample);
  const dt = 1 / sensor.refreshHz;
  const earlier: Scene = {
    ...scene,
    people: scene.people.map((p) => (p.velocity ? shiftPerson(p, -p.velocity[0] * dt, -p.velocity[1] * dt) : p)),
  };
  const before = renderScene(earlier, sensor, oversample);
  const now = renderScene(scene, sensor, oversample);
  const { width: W, height: H } = sensor;
  const parity = frameIndex & 1;
  const ideal = now.ideal;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) if (((x + y) & 1) !== parity) ideal[y * W + x] = before.ideal[y * W + x];
  }
  const union = new Map<number, Box>();
  for (const r of [before, now]) {
    r.boxes.forEach((b, k) => {
      const person = r.personOf[k];
      const u = union.get(person);
      if (!u) union.set(person, { ...b });
      else {
        // The union box: the person's visibility is the better of the two instants.
        withVisibility(u, Math.max(u.visibleArea ?? 0, b.visibleArea ?? 0), Math.max(u.visibleFraction ?? 0, b.visibleFraction ?? 0));
        const x1 = Math.max(u.x + u.w, b.x + b.w);
        const y1 = Math.max(u.y + u.h, b.y + b.h);
        u.x = Math.min(u.x, b.x);
        u.y = Math.min(u.y, b.y);
        u.w = x1 - u.x;
        u.h = y1 - u.y;
      }
    });
  }
  const personOf = [...union.keys()].sort((a, b) => a - b);
  const boxes = personOf.map((k) => union.get(k)!);
  const tags = new Set([...before.tags, ...now.tags, 'chess-motion']);
  tags.delete('overlapping');
  if (markOverlaps(boxes)) tags.add('overlapping');
  return { ideal, boxes, personOf, tags: [...tags].sort() };
}
