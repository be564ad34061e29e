// The HTML report in a real browser: Debian's chromium (installed by .ci/install-toolchain) driven by
// playwright-core, with no browser download. The page must draw its charts (canvas pixels that are
// not blank), log no console error, and make no network request: it is one self-contained file.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { markerReport } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'mcusim-html-'));
let browser: Browser;
let page: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash .ci/install-toolchain (Debian package chromium)`);
  const { report } = await markerReport();
  page = join(dir, 'report.html');
  writeFileSync(page, renderHtml(report));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('HTML report in headless Chromium', () => {
  it('draws its charts with no console error and no network request', async () => {
    const p = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await p.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    // Every chart canvas holds drawn pixels (Chart.js ran): count the non-transparent ones.
    const drawn = await p.evaluate(() => [...document.querySelectorAll('canvas')].map((c) => {
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
      let n = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k]! > 0) n++;
      return { id: c.id, drawn: n };
    }));
    expect(drawn.map((d) => d.id).sort()).toEqual(['frames', 'layers', 'memory']);
    for (const d of drawn) expect(d.drawn, d.id).toBeGreaterThan(2000);
    const shot = await p.screenshot({ fullPage: true });
    writeFileSync(join(dir, 'report.png'), shot);
    // A non-blank screenshot: many distinct colours (a blank page has one).
    const colours = await p.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      const seen = new Set<number>();
      for (let k = 0; k < data.length; k += 16) seen.add((data[k]! << 16) | (data[k + 1]! << 8) | data[k + 2]!);
      return seen.size;
    }, shot.toString('base64'));
    expect(colours).toBeGreaterThan(20);
    expect(await p.textContent('h1')).toBe('mcusim report');
    expect(await p.locator('table').first().textContent()).toContain('stem.conv');
    // The icicle: main under Reset_Handler, the layers' kernels below it.
    const boxes = await p.locator('#icicle .ice').allTextContents();
    expect(boxes).toContain('main');
    expect(boxes.some((b) => b.startsWith('stem_conv'))).toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await p.close();
  }, 120_000);
});
