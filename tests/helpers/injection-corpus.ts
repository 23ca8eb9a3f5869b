import { dnsNameBytes } from '../../sandbox/dns/dns-server.js';

/**
 * Hostile text as it arrives from a directory, a vendor form or a chat: markdown, HTML, entities, Adaptive Card
 * template syntax, autolinks, very long and right-to-left text. Shared by the unit tests and the security suite.
 */
export const INJECTION_CORPUS: readonly { readonly name: string; readonly text: string }[] = [
  { name: 'markdown link', text: '[Cliquez ici](https://evil.example/login)' },
  { name: 'image', text: '![x](https://evil.example/pixel.png)' },
  { name: 'bold and italic', text: '**URGENT** _admin_ ~~barré~~' },
  { name: 'inline code', text: '`rm -rf /`' },
  { name: 'code fence', text: '```js\nalert(1)\n```' },
  { name: 'heading', text: '# Titre injecté' },
  { name: 'lists', text: '- un\n- deux\n1. trois' },
  { name: 'quote and table', text: '> cité\n| a | b |\n|---|---|' },
  { name: 'html tags', text: '<b>gras</b><img src=x onerror=alert(1)><a href="https://evil.example">x</a>' },
  { name: 'html entities', text: '&lt;script&gt; &#x3C;b&#x3E; &amp;' },
  { name: 'template expression', text: '${user.password} ${$root.token} {{secret}}' },
  { name: 'autolink url', text: 'https://evil.example/reset?u=1' },
  { name: 'angle autolink', text: '<https://evil.example>' },
  { name: 'fuzzy link', text: 'www.evil.example' },
  { name: 'email autolink', text: 'phish@evil.example' },
  { name: 'reference link', text: '[x][1]\n\n[1]: https://evil.example' },
  { name: 'escaped already', text: '\\*pas gras\\* \\[x\\]' },
  { name: 'paragraph break', text: 'Jean\n\n## Dupont\r\n\t* point' },
  { name: 'rtl override', text: 'Facture\u202Etxt.exe' },
  { name: 'bidi isolates and marks', text: '\u2067abc\u2069 \u200Fx\u200E \u061Cy' },
  { name: 'arabic name', text: 'محمد [المدير](https://evil.example)' },
  { name: 'zero width', text: 'ad\u200Bmin\uFEFF' },
  { name: 'very long', text: `${'A'.repeat(3000)}[fin](https://evil.example)` },
  { name: 'setext and rule', text: 'Titre\n===\n---' },
  { name: 'line break html', text: 'a<br>b<br/>c' },
];

/**
 * A corpus entry as a DNS name can carry it (a hostile zone's MX host, say): its dot-separated labels cut to 63
 * bytes, then the leading labels dropped until the name fits in 255 bytes (the hostile part of an entry is at its
 * end). What DNS cannot carry at all never reaches Sesame from it.
 */
export function asDnsName(text: string): string {
  let labels = text
    .split('.')
    .filter((l) => l !== '')
    .flatMap((label) => {
      const parts: string[] = [];
      let part = '';
      for (const ch of label) {
        if (Buffer.byteLength(part + ch) > 63) {
          parts.push(part);
          part = '';
        }
        part += ch;
      }
      return part === '' ? parts : [...parts, part];
    });
  while (labels.length > 0 && !dnsNameBytes(labels.join('.'))) labels = labels.slice(1);
  return labels.join('.');
}
