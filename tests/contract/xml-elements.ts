// A purpose-built reader for the regular XML of an OData CSDL document (elements, attributes, and the
// text of leaf elements such as <String>). No DTDs, CDATA or mixed content appear in Microsoft's
// metadata, so a tag-level scanner is enough and keeps the contract tests free of an XML dependency.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text?: string;
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(quot|amp|lt|gt|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? '';
  });
}

function encode(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

/** Parses a whole document and returns its root element. Throws on unbalanced tags. */
export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: { el: XmlElement; textStart: number }[] = [{ el: root, textStart: 0 }];
  for (const m of source.matchAll(TOKEN)) {
    const [whole, closing, name, rawAttrs, selfClosing] = m;
    if (name === undefined) continue; // comment or processing instruction
    const at = m.index ?? 0;
    if (closing) {
      const top = stack.pop();
      if (!top || top.el.name !== name) throw new Error(`unbalanced </${name}> at offset ${at}`);
      if (top.el.children.length === 0) {
        const text = source.slice(top.textStart, at).trim();
        if (text) top.el.text = decode(text);
      }
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (rawAttrs ?? '').matchAll(ATTR)) attrs[a[1] as string] = decode(a[2] as string);
    const el: XmlElement = { name, attrs, children: [] };
    const parent = stack[stack.length - 1];
    if (!parent) throw new Error(`content after the root element at offset ${at}`);
    parent.el.children.push(el);
    if (!selfClosing) stack.push({ el, textStart: at + whole.length });
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.el.name}>`);
  return root;
}

/** Writes elements back as indented XML (used by the vendoring script to emit the trimmed CSDL). */
export function serializeXml(el: XmlElement, indent = ''): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${encode(v)}"`)
    .join('');
  if (el.children.length === 0 && el.text === undefined) return `${indent}<${el.name}${attrs} />\n`;
  if (el.children.length === 0) return `${indent}<${el.name}${attrs}>${encode(el.text ?? '')}</${el.name}>\n`;
  const inner = el.children.map((c) => serializeXml(c, indent + '  ')).join('');
  return `${indent}<${el.name}${attrs}>\n${inner}${indent}</${el.name}>\n`;
}
