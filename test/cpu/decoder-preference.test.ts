/**
 * The decoder's prefer: handling (src/cpu/decoder.ts orderByPreference): the preferred encoding wins
 * where two lines overlap, whichever comes first in the file, several deep, and
 * an unknown name or a cycle is a load error naming it. Synthetic lines on real handlers and
 * timing classes (the shipped tables exercise the order too, through every decode test).
 */
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/cpu/decoder.js';
import { parseIsaText } from '../../src/cpu/isa-format.js';

const decoderOf = (text: string) => new Decoder(parseIsaText(text, 'test.isa'));

describe('prefer: order', () => {
  it('the preferred line wins its overlap, also when listed after, three deep', () => {
    const d = decoderOf([
      'AAA  T1  1011 1111 x:8          hint  nop  prefer:BBB,CCC',
      'BBB  T1  1011 1111 0000 y:4     hint  nop  prefer:CCC.T1',
      'CCC  T1  1011 1111 0000 0001    hint  nop',
      'DDD  T1  1011 1110 z:8          hint  nop',
    ].join('\n'));
    expect(d.decode(0xbf01, 0).mnemonic).toBe('CCC');
    expect(d.decode(0xbf02, 0).mnemonic).toBe('BBB');
    expect(d.decode(0xbf12, 0).mnemonic).toBe('AAA');
    expect(d.decode(0xbe12, 0).mnemonic).toBe('DDD');
  });

  it('refuses a prefer: that names no line, and a cycle of preferences', () => {
    expect(() => decoderOf('AAA  T1  1011 1111 x:8  hint  nop  prefer:ZZZ')).toThrow('test.isa:1: prefer:ZZZ names no encoding');
    expect(() => decoderOf([
      'AAA  T1  1011 1111 x:8        hint  nop  prefer:BBB',
      'BBB  T1  1011 1111 0000 y:4   hint  nop  prefer:AAA',
    ].join('\n'))).toThrow(/prefer: cycle .*AAA -> BBB|prefer: cycle .*BBB -> AAA/);
  });
});
