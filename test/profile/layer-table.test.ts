// The .mcusim.layers reader (firmware/nn/LAYER-TABLE.md) on the marker program's table, and on
// damaged copies of it: each damage is one line naming the section and the problem (a UserError).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElf, type ElfImage } from '../../src/elf/index.js';
import { readLayerTable, ProfileInputError, LAYER_SECTION } from '../../src/profile/layer-table.js';
import { UserError } from '../../src/common/errors.js';
import { buildMarkerProgram } from './support.js';

let bytes: Uint8Array;
let image: ElfImage;
beforeAll(async () => {
  const elf = await buildMarkerProgram('stm32f411re');
  bytes = new Uint8Array(readFileSync(elf));
  image = readElf(bytes, 'markers.elf');
}, 120_000);

describe('layer table', () => {
  it('reads the header and the records the program\'s layer_table.S wrote', () => {
    const t = readLayerTable(image, bytes)!;
    const arena = image.symbols.find((s) => s.name === 'arena')!;
    const wStem = image.symbols.find((s) => s.name === 'w_stem')!;
    expect(t.markerPort).toBe(1);
    expect(t.arenaAddress).toBe(arena.value);
    expect(t.arenaBytes).toBe(2304);
    expect(t.layers.map((l) => [l.name, l.type])).toEqual([
      ['stem.conv', 'conv2d'], ['stage1.dw', 'depthwise'], ['stage1.pw', 'conv2d_1x1'], ['head.fc', 'dense'],
    ]);
    expect(t.layers[0]).toMatchObject({ inputShape: [16, 16, 1], outputShape: [16, 16, 8], macs: 18432, weightAddress: wStem.value, weightBytes: 104, inOffset: 0, outOffset: 256, outBytes: 2048 });
  });

  it('an ELF without the section has no table', () => {
    expect(readLayerTable({ ...image, sections: image.sections.filter((s) => s.name !== LAYER_SECTION) }, bytes)).toBeNull();
  });

  const damaged: [string, (b: Uint8Array, at: number) => void, RegExp][] = [
    ['a wrong magic', (b, at) => { b[at] = 0x58; }, /markers\.elf: \.mcusim\.layers: magic "XLT1", expected "MLT1"/],
    ['a newer version', (b, at) => { b[at + 4] = 2; }, /version 2, this mcusim reads version 1/],
    ['more records than fit', (b, at) => { b[at + 6] = 200; }, /200 records of 96 bytes do not fit in 416 bytes/],
    ['a short record size', (b, at) => { b[at + 8] = 40; }, /record size 40, at least 96 expected/],
  ];
  for (const [what, damage, message] of damaged) {
    it(`refuses ${what} in one line`, () => {
      const copy = bytes.slice();
      damage(copy, image.sections.find((s) => s.name === LAYER_SECTION)!.offset);
      let err: unknown;
      try {
        readLayerTable(image, copy);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProfileInputError);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
