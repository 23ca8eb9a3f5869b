// Draws Sesame's two Teams icons procedurally, so they can be regenerated and reviewed as code:
//   manifest/color.png   192×192, full colour: an arched doorway with a keyhole on a teal field.
//   manifest/outline.png  32×32, the same doorway as a white line drawing on transparency.
// Run with `npx tsx scripts/make-icons.ts`; the PNGs are committed.
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

/** The manifest's accentColor: Teams paints it behind the colour icon in some places. */
export const ACCENT = '#155E63';

type Rgb = readonly [number, number, number];
const TEAL: Rgb = [0x15, 0x5e, 0x63];
const TEAL_DEEP: Rgb = [0x0e, 0x47, 0x4b];
const DOOR: Rgb = [0xfa, 0xf7, 0xf0];
const GOLD: Rgb = [0xf2, 0xb1, 0x34];

// Shapes are signed-distance-like predicates over the unit square (x right, y down).
type Shape = (x: number, y: number) => boolean;

const arch =
  (left: number, right: number, top: number, bottom: number): Shape =>
  (x, y) => {
    const cx = (left + right) / 2;
    const r = (right - left) / 2;
    const springLine = top + r;
    if (x < left || x > right || y > bottom) return false;
    if (y >= springLine) return true;
    return (x - cx) ** 2 + (y - springLine) ** 2 <= r * r;
  };

const keyhole =
  (cx: number, cy: number, r: number, stemBottom: number, stemTop: number, stemBottomHalf: number): Shape =>
  (x, y) => {
    if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) return true;
    if (y < cy || y > stemBottom) return false;
    const t = (y - cy) / (stemBottom - cy);
    const half = stemTop + (stemBottomHalf - stemTop) * t;
    return Math.abs(x - cx) <= half;
  };

const rect =
  (left: number, right: number, top: number, bottom: number): Shape =>
  (x, y) =>
    x >= left && x <= right && y >= top && y <= bottom;

function setPixel(png: PNG, px: number, py: number, rgb: Rgb, alpha: number): void {
  const i = (py * png.width + px) * 4;
  png.data[i] = rgb[0];
  png.data[i + 1] = rgb[1];
  png.data[i + 2] = rgb[2];
  png.data[i + 3] = alpha;
}

/** The colour icon: full-bleed background (Teams rounds the corners itself), anti-aliased 4×4. */
export function renderColorIcon(size = 192): PNG {
  const png = new PNG({ width: size, height: size });
  const door = arch(0.31, 0.69, 0.2, 0.79);
  const hole = keyhole(0.5, 0.5, 0.062, 0.66, 0.026, 0.05);
  const sill = rect(0.22, 0.78, 0.79, 0.835);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          // A soft vertical gradient keeps the field from looking flat at 192 px.
          const bg: Rgb = [
            TEAL[0] + (TEAL_DEEP[0] - TEAL[0]) * y,
            TEAL[1] + (TEAL_DEEP[1] - TEAL[1]) * y,
            TEAL[2] + (TEAL_DEEP[2] - TEAL[2]) * y,
          ];
          let c: Rgb = bg;
          if (sill(x, y)) c = GOLD;
          if (door(x, y)) c = hole(x, y) ? TEAL_DEEP : DOOR;
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      const k = n * n;
      setPixel(png, px, py, [Math.round(r / k), Math.round(g / k), Math.round(b / k)], 255);
    }
  }
  return png;
}

/**
 * The outline icon: Teams requires white on transparent and nothing else, so coverage is thresholded
 * rather than blended (a half-transparent white edge is still white, but a hard edge reads better at
 * 32 px and leaves no doubt). Transparent pixels are white with alpha 0.
 */
export function renderOutlineIcon(size = 32): PNG {
  const png = new PNG({ width: size, height: size });
  const u = 1 / size;
  const outer = arch(8 * u, 24 * u, 3 * u, 27 * u);
  const inner = arch(10.5 * u, 21.5 * u, 5.5 * u, 27 * u);
  const hole = keyhole(16 * u, 13.5 * u, 3.2 * u, 21.5 * u, 1.2 * u, 2.4 * u);
  const sill = rect(4 * u, 28 * u, 27 * u, 29.5 * u);
  const shape: Shape = (x, y) => (outer(x, y) && !inner(x, y)) || hole(x, y) || sill(x, y);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          if (shape((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)) covered++;
        }
      }
      setPixel(png, px, py, [255, 255, 255], covered * 2 >= n * n ? 255 : 0);
    }
  }
  return png;
}

export function writeIcons(manifestDir: string): { color: string; outline: string } {
  const color = resolve(manifestDir, 'color.png');
  const outline = resolve(manifestDir, 'outline.png');
  writeFileSync(color, PNG.sync.write(renderColorIcon()));
  writeFileSync(outline, PNG.sync.write(renderOutlineIcon()));
  return { color, outline };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const manifestDir = fileURLToPath(new URL('../manifest/', import.meta.url));
  const written = writeIcons(manifestDir);
  console.log(`wrote ${written.color} (192×192) and ${written.outline} (32×32)`);
}
