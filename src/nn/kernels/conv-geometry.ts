/** Shape arithmetic shared by the conv and pool kernels (NHWC input, HWIO weights). */

export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  /** Zero padding on the top/bottom rows and the left/right columns. */
  padH: number;
  padW: number;
  groups: number;
  oh: number;
  ow: number;
}

export interface ConvSpec {
  cout: number;
  kh: number;
  kw: number;
  stride?: number;
  /** Symmetric padding in pixels; 'same' keeps the size at stride 1 (odd kernels). */
  pad?: number | 'same';
  groups?: number;
}

export function convGeometry(n: number, h: number, w: number, cin: number, spec: ConvSpec): ConvGeometry {
  const stride = spec.stride ?? 1;
  const groups = spec.groups ?? 1;
  const padH = spec.pad === 'same' ? (spec.kh - 1) >> 1 : spec.pad ?? 0;
  const padW = spec.pad === 'same' ? (spec.kw - 1) >> 1 : spec.pad ?? 0;
  if (cin % groups !== 0 || spec.cout % groups !== 0) {
    throw new Error(`conv: ${cin} input and ${spec.cout} output channels do not split into ${groups} groups`);
  }
  const oh = Math.floor((h + 2 * padH - spec.kh) / stride) + 1;
  const ow = Math.floor((w + 2 * padW - spec.kw) / stride) + 1;
  if (oh < 1 || ow < 1) throw new Error(`conv: ${spec.kh}x${spec.kw} kernel does not fit a ${h}x${w} input`);
  return {
    n, h, w, cin, cout: spec.cout, kh: spec.kh, kw: spec.kw,
    strideH: stride, strideW: stride, padH, padW, groups, oh, ow,
  };
}

/** Number of weights of a conv with this geometry (HWIO, input channels per group). */
export function convWeightCount(g: ConvGeometry): number {
  return g.kh * g.kw * (g.cin / g.groups) * g.cout;
}
