/**
 * `npm run cards`: renders every card of the catalogue (scripts/card-catalogue.ts) to PNG, light and dark,
 * into build/cards/<name>.<locale>.<theme>.png, with the adaptivecards browser renderer in a local Chromium and
 * Teams-like host configs. Offline: the renderer and its CSS are inlined into the page, nothing is fetched.
 *
 * CHROMIUM_PATH overrides the browser (default: Debian's /usr/bin/chromium).
 */
import './node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { cardCatalogue } from './card-catalogue.js';
import { launchChromium } from './chromium.js';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'build', 'cards');

/** Teams' font stack first; Liberation/DejaVu are what a bare Debian box has. */
const FONT_FAMILY =
  "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', " +
  "'Liberation Sans', 'DejaVu Sans', sans-serif";

type Theme = 'light' | 'dark';

interface Palette {
  background: string;
  emphasis: string;
  text: string;
  subtle: string;
  accent: string;
  accentSubtle: string;
  good: string;
  warning: string;
  attention: string;
  separator: string;
  button: { background: string; text: string; border: string; primary: string; primaryText: string };
  input: { background: string; border: string; text: string; placeholder: string };
  frame: string;
}

const PALETTES: Record<Theme, Palette> = {
  light: {
    background: '#FFFFFF',
    emphasis: '#F5F5F5',
    text: '#242424',
    subtle: '#616161',
    accent: '#6264A7',
    accentSubtle: '#8B8CC7',
    good: '#237B4B',
    warning: '#835C00',
    attention: '#C4314B',
    separator: '#E0E0E0',
    button: {
      background: '#FFFFFF',
      text: '#242424',
      border: '#D1D1D1',
      primary: '#6264A7',
      primaryText: '#FFFFFF',
    },
    input: { background: '#FFFFFF', border: '#D1D1D1', text: '#242424', placeholder: '#8A8886' },
    frame: '#F5F5F5',
  },
  dark: {
    background: '#292929',
    emphasis: '#1F1F1F',
    text: '#FFFFFF',
    subtle: '#C8C6C4',
    accent: '#A6A7DC',
    accentSubtle: '#8B8CC7',
    good: '#92C353',
    warning: '#F8D22A',
    attention: '#F9526B',
    separator: '#3D3D3D',
    button: {
      background: '#292929',
      text: '#FFFFFF',
      border: '#616161',
      primary: '#6264A7',
      primaryText: '#FFFFFF',
    },
    input: { background: '#1F1F1F', border: '#616161', text: '#FFFFFF', placeholder: '#ADADAD' },
    frame: '#1F1F1F',
  },
};

function colors(p: Palette) {
  const pair = (d: string, s: string) => ({ default: d, subtle: s });
  return {
    default: pair(p.text, p.subtle),
    dark: pair(p.text, p.subtle),
    light: pair(p.text, p.subtle),
    accent: pair(p.accent, p.accentSubtle),
    good: pair(p.good, p.good),
    warning: pair(p.warning, p.warning),
    attention: pair(p.attention, p.attention),
  };
}

/** A Teams-like host config (what Teams' own light and dark themes set), written out for each theme. */
function hostConfig(theme: Theme): Record<string, unknown> {
  const p = PALETTES[theme];
  return {
    hostCapabilities: { capabilities: null },
    choiceSetInputValueSeparator: ',',
    supportsInteractivity: true,
    fontFamily: FONT_FAMILY,
    spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: p.separator },
    imageSizes: { small: 32, medium: 52, large: 100 },
    fontTypes: {
      default: {
        fontFamily: FONT_FAMILY,
        fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
        fontWeights: { lighter: 200, default: 400, bolder: 600 },
      },
      monospace: {
        fontFamily: "Consolas, Menlo, 'Liberation Mono', 'DejaVu Sans Mono', monospace",
        fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
        fontWeights: { lighter: 200, default: 400, bolder: 600 },
      },
    },
    containerStyles: {
      default: { backgroundColor: p.background, foregroundColors: colors(p) },
      emphasis: { backgroundColor: p.emphasis, foregroundColors: colors(p) },
      accent: { backgroundColor: p.emphasis, foregroundColors: colors(p) },
      good: { backgroundColor: p.emphasis, foregroundColors: colors(p) },
      attention: { backgroundColor: p.emphasis, foregroundColors: colors(p) },
      warning: { backgroundColor: p.emphasis, foregroundColors: colors(p) },
    },
    actions: {
      maxActions: 6,
      spacing: 'default',
      buttonSpacing: 8,
      showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
      actionsOrientation: 'horizontal',
      actionAlignment: 'left',
      iconPlacement: 'leftOfTitle',
      iconSize: 16,
    },
    adaptiveCard: { allowCustomStyle: true },
    imageSet: { imageSize: 'medium', maxImageHeight: 100 },
    factSet: {
      title: { color: 'default', size: 'default', isSubtle: false, weight: 'bolder', wrap: true },
      value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
      spacing: 8,
    },
    textBlock: { headingLevel: 2 },
    inputs: {
      label: {
        requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
        optionalInputs: { weight: 'bolder' },
      },
      errorMessage: { size: 'small', color: 'attention' },
    },
  };
}

/** What the host config cannot say: buttons, inputs and links as Teams draws them. */
function themeCss(theme: Theme): string {
  const p = PALETTES[theme];
  return `
    html, body { margin: 0; background: ${p.frame}; }
    #frame { padding: 16px; width: 520px; box-sizing: content-box; }
    #card { border-radius: 6px; overflow: hidden; background: ${p.background};
      box-shadow: 0 1px 2px rgba(0,0,0,.14), 0 0 2px rgba(0,0,0,.12); color: ${p.text}; }
    .ac-adaptiveCard p { margin: 0 0 6px 0; }
    .ac-adaptiveCard p:last-child { margin-bottom: 0; }
    .ac-pushButton { font-family: ${FONT_FAMILY}; font-size: 14px; font-weight: 600; min-height: 32px;
      padding: 4px 12px; border-radius: 4px; border: 1px solid ${p.button.border};
      background: ${p.button.background}; color: ${p.button.text}; }
    .ac-pushButton.style-positive, .ac-pushButton.primary { background: ${p.button.primary};
      border-color: ${p.button.primary}; color: ${p.button.primaryText}; }
    .ac-pushButton.style-destructive { background-color: ${p.button.background}; color: ${p.attention};
      border: 1px solid ${p.button.border}; }
    .ac-input { font-family: ${FONT_FAMILY}; font-size: 14px; }
    .ac-input.ac-textInput { background: ${p.input.background}; color: ${p.input.text}; height: 32px;
      border: 1px solid ${p.input.border}; border-bottom: 2px solid ${p.accent}; border-radius: 4px;
      padding: 0 10px; box-sizing: border-box; }
    .ac-input.ac-textInput::placeholder { color: ${p.input.placeholder}; }
    .ac-input-validation-failed { border-color: ${p.attention} !important; }
    .ac-adaptiveCard a, a.ac-anchor:link, a.ac-anchor:visited { color: ${p.accent}; }
  `;
}

/** Teams' markdown subset: **bold**, _italic_, [links](url), paragraphs and line breaks. */
function markdownScript(): string {
  return `
    function sesameMarkdown(text, result) {
      const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const inline = (s) => esc(s)
        .replace(/\\*\\*(.+?)\\*\\*/g, '<strong>$1</strong>')
        .replace(/(^|\\W)_(.+?)_(?=\\W|$)/g, '$1<em>$2</em>')
        .replace(/\\[([^\\]]+)\\]\\(([^)\\s]+)\\)/g, '<a href="$2">$1</a>');
      result.outputHtml = text.split(/\\n\\n+/).map((p) => '<p>' + inline(p).replace(/\\n/g, '<br>') + '</p>').join('');
      result.didProcess = true;
    }
  `;
}

function pageHtml(): string {
  const js = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  const css = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.css'), 'utf8');
  // `</script>` inside the bundle would end the tag early.
  const safeJs = js.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html><html><head><meta charset="utf-8">
    <style>${css}</style><style id="theme"></style>
    <script>${safeJs}</script>
    <script>${markdownScript()}</script>
    </head><body><div id="frame"><div id="card"></div></div></body></html>`;
}

/** Renders one card in the page; resolves with the parser's warnings, rejects when nothing renders. */
async function renderInPage(page: Page, card: unknown, theme: Theme): Promise<string[]> {
  return page.evaluate(
    ({ card, config, css }) => {
      const AC = (window as unknown as { AdaptiveCards: Record<string, any> }).AdaptiveCards; // eslint-disable-line @typescript-eslint/no-explicit-any
      document.getElementById('theme')!.textContent = css;
      const host = document.getElementById('card')!;
      host.innerHTML = '';
      AC.AdaptiveCard.onProcessMarkdown = (text: string, result: unknown) =>
        (window as unknown as { sesameMarkdown: (t: string, r: unknown) => void }).sesameMarkdown(
          text,
          result,
        );
      const adaptive = new AC.AdaptiveCard();
      adaptive.hostConfig = new AC.HostConfig(config);
      adaptive.onExecuteAction = () => undefined;
      const context = new AC.SerializationContext();
      adaptive.parse(card, context);
      const warnings: string[] = [];
      for (let i = 0; i < context.eventCount; i++) warnings.push(String(context.getEventAt(i).message));
      const element = adaptive.render() as HTMLElement | undefined;
      if (!element) throw new Error(`nothing rendered: ${warnings.join('; ')}`);
      host.appendChild(element);
      return warnings;
    },
    { card, config: hostConfig(theme), css: themeCss(theme) },
  );
}

async function main(): Promise<void> {
  const catalogue = cardCatalogue();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const browser = await launchChromium();
  let written = 0;
  const failures: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 552, height: 800 }, deviceScaleFactor: 2 });
    // Nothing leaves the machine: any request the page makes is refused (and would show as a failure).
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setContent(pageHtml(), { waitUntil: 'load' });

    for (const theme of ['light', 'dark'] as const) {
      for (const { name, locale, card } of catalogue) {
        const label = `${name}.${locale}.${theme}`;
        try {
          pageErrors.length = 0;
          const warnings = await renderInPage(page, card, theme);
          if (warnings.length > 0) throw new Error(`parser warnings: ${warnings.join('; ')}`);
          if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join('; ')}`);
          await page.locator('#frame').screenshot({ path: join(outDir, `${label}.png`) });
          written += 1;
        } catch (e) {
          failures.push(`${label}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  } finally {
    await browser.close();
  }

  console.log(`${written} PNG(s) written to ${relative(process.cwd(), outDir) || outDir}`);
  if (failures.length > 0) {
    console.error(
      `${failures.length} card(s) failed to render:\n${failures.map((f) => `  ${f}`).join('\n')}`,
    );
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
