import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTab, type TabBuildResult } from '../../scripts/build-tab.js';
import { tabCatalogues } from '../../tab/src/i18n.js';

describe('tab build', () => {
  let outDir: string;
  let result: TabBuildResult;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'sesame-tab-'));
    result = await buildTab({ outDir });
    // A production build of both pages: seconds on a quiet machine, much longer on a loaded one.
  }, 180_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes one minified bundle per page, with its external source map', async () => {
    expect(result.bundles.map((b) => b.entry)).toEqual(['index', 'config']);
    const files = await readdir(outDir);
    for (const bundle of result.bundles) {
      expect(files).toContain(bundle.file);
      expect(files).toContain(`${bundle.file}.map`);
      const bytes = await readFile(join(outDir, bundle.file));
      expect(bytes.length).toBe(bundle.bytes);
      const code = bytes.toString('utf8');
      expect(bundle.gzipBytes).toBeGreaterThan(0);
      expect(bundle.gzipBytes).toBeLessThan(bundle.bytes);
      // Minified: long lines, not one statement per line. Line breaks that remain are inside template literals
      // (Fluent's multi-line CSS values, e.g. ProgressBar's gradients), which minifiers must keep as they are.
      const lines = code.split('\n');
      expect(lines.length).toBeLessThan(200);
      expect(code.length / lines.length).toBeGreaterThan(2000);
      // Booleans, not toContain: a failure must not print half a megabyte of bundle.
      // External source map: written beside the bundle, not announced to browsers.
      expect(code.includes('sourceMappingURL=')).toBe(false);
      const map = JSON.parse(await readFile(join(outDir, `${bundle.file}.map`), 'utf8')) as {
        sources: string[];
      };
      expect(map.sources.some((source) => source.endsWith(`tab/src/${bundle.entry}.tsx`))).toBe(true);
      // React's production build, with no `process` left for the browser to trip on.
      expect(/process\.env\.NODE_ENV/.test(code)).toBe(false);
      expect(/Minified React error/.test(code)).toBe(true);
      // No code splitting: the page needs exactly the one file it references.
      expect(/\bimport\s*\(|^import\s/m.test(code)).toBe(false);
    }
  });

  it('writes both HTML pages, each loading its own bundle', async () => {
    expect(result.pages).toEqual(['index.html', 'config.html']);
    for (const bundle of result.bundles) {
      const html = await readFile(join(outDir, `${bundle.entry}.html`), 'utf8');
      expect(html).toContain(`<script type="module" src="./${bundle.file}"></script>`);
      expect(html).toMatch(/<html lang="(en|fr)">/);
      expect(html).toMatch(/<title>[^<]*Sesame[^<]*<\/title>/);
      expect(html).toContain('name="viewport"');
      expect(html).toMatch(/<noscript>[\s\S]*JavaScript[\s\S]*<\/noscript>/);
      expect(html).toContain('<div id="root"></div>');
      // The other page's bundle is not loaded here.
      const other = result.bundles.find((b) => b !== bundle);
      expect(html).not.toContain(other?.file);
    }
  });

  it('bundles the texts of both languages', async () => {
    const index = await readFile(join(outDir, result.bundles[0]!.file), 'utf8');
    expect(index.includes(tabCatalogues.en['runs.empty'])).toBe(true);
    expect(index.includes(tabCatalogues.fr['outside.title'])).toBe(true);
  });
});

describe('tab texts', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('defines the same keys in French and English', () => {
    expect(Object.keys(tabCatalogues.fr).sort()).toEqual(Object.keys(tabCatalogues.en).sort());
  });

  it('fills the same placeholders in both languages, and leaves no text empty', () => {
    for (const [key, en] of Object.entries(tabCatalogues.en)) {
      const fr = tabCatalogues.fr[key as keyof typeof tabCatalogues.fr];
      expect({ key, placeholders: placeholders(fr) }).toEqual({ key, placeholders: placeholders(en) });
      expect(en.trim()).not.toBe('');
      expect(fr.trim()).not.toBe('');
    }
  });
});
