/** Number formatting shared by the renderers: every figure says its unit (DESIGN.md conventions). */
/**
 * A whole number with thousands separators, exactly as toLocaleString('en-US') writes it but without
 * Intl: Intl's first use loads the ICU data, ~20 ms of a ~0.3 s `mcusim run` start-up.
 */
export const int = (n: number): string => {
  const r = Math.round(n);
  if (!Number.isSafeInteger(r)) return r.toLocaleString('en-US');
  const digits = String(Math.abs(r)).replace(/\B(?=(\d{3})+$)/g, ',');
  return r < 0 || Object.is(r, -0) ? `-${digits}` : digits;
};
export const ms = (cycles: number, hz: number, digits = 3): string => (hz > 0 ? ((cycles / hz) * 1000).toFixed(digits) : '-');
export const pct = (part: number, whole: number): string => (whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0');
export const shape = (s: readonly number[]): string => s.join('x');
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
export const hex = (a: number): string => `0x${(a >>> 0).toString(16).padStart(8, '0')}`;
export const mhz = (hz: number): string => `${(hz / 1e6).toFixed(hz % 1e6 === 0 ? 0 : 3)} MHz`;

/** Parses 256K, 1M, 1.5M, 4096 (bytes; K and M are 1024 and 1024*1024) or returns null. */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM])?i?[bB]?\s*$/.exec(text);
  if (!m) return null;
  const unit = m[2] === undefined ? 1 : m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024;
  return Math.round(Number(m[1]) * unit);
}
