/**
 * The sandbox console page: the other side of each procedure (outside events with their buttons, the shared clock)
 * and the tenant's current state. A developer tool, in English. Directory text is untrusted (a guest chooses its
 * own display name): every value goes through escapeHtml, and the only script is the page's own (CSP nonce).
 */
import { escapeHtml } from '../identity/sign-in-page.js';
import type { TenantSnapshot } from './console-api.js';
import type { ConsoleAction, OutsideEvent } from './outside-events.js';

export interface ConsolePageInput {
  readonly snapshot: TenantSnapshot;
  readonly sources: readonly {
    id: string;
    title: string;
    actor: string;
    events: readonly OutsideEvent[];
  }[];
  readonly clock: { now: string; offsetMs: number; nextDue?: string };
  readonly links: readonly { readonly label: string; readonly url: string }[];
  readonly hasBusinessDays: boolean;
  readonly nonce: string;
}

const e = escapeHtml;

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f5f5f5;font:14px/1.45 "Segoe UI",system-ui,-apple-system,sans-serif;color:#242424}
header{background:#292929;color:#fff;padding:14px 24px;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0;font-weight:600}
header a{color:#a9d3f2}
main{padding:16px 24px;display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:14px 18px}
section.wide{grid-column:1/-1}
h2{font-size:15px;margin:0 0 4px}
.actor{color:#616161;font-size:12px;margin:0 0 10px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-size:12px;color:#616161;font-weight:600}
.empty{color:#707070;font-style:italic}
td{overflow-wrap:anywhere}
td:last-child{width:1%;white-space:nowrap}
section[data-section=settings] td:last-child{width:auto;white-space:normal}
section[data-section=settings] button{margin:0 4px 4px 0}
button{font:inherit;border:1px solid #d1d1d1;background:#fff;border-radius:4px;padding:4px 12px;cursor:pointer;white-space:nowrap}
button.primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff}
button:disabled{opacity:.5;cursor:wait}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#f0f0f0}
.pill.ok{background:#e7f5e7;color:#0e700e}.pill.wait{background:#fff4ce;color:#835b00}.pill.bad{background:#fde7e9;color:#a4262c}
.clock{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.clock input{width:70px;font:inherit;padding:3px 6px}
#status{min-height:20px;margin:0 24px;color:#a4262c}
code{font-size:12px}
`;

const SCRIPT = `
const status = document.getElementById('status');
async function call(method, path, body) {
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  try {
    const res = await fetch(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try { message = JSON.parse(text).error.message; } catch {}
      status.textContent = method + ' ' + path + ' answered ' + res.status + ': ' + message;
      for (const b of document.querySelectorAll('button')) b.disabled = false;
      return;
    }
    location.reload();
  } catch (err) {
    status.textContent = String(err);
    for (const b of document.querySelectorAll('button')) b.disabled = false;
  }
}
document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-path]');
  if (!button) return;
  let body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
  if (button.dataset.amountFrom) {
    const amount = Number(document.getElementById(button.dataset.amountFrom).value);
    body = { [button.dataset.amountKey]: amount };
  }
  void call(button.dataset.method, button.dataset.path, body);
});
`;

function actionButton(a: ConsoleAction): string {
  return `<button type="button"${a.primary ? ' class="primary"' : ''} data-method="${e(a.method)}" data-path="${e(a.path)}"${
    a.body ? ` data-body="${e(JSON.stringify(a.body))}"` : ''
  }>${e(a.label)}</button>`;
}

function table(headers: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${e(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function pill(text: string | null, kind: 'ok' | 'wait' | 'bad' | ''): string {
  return `<span class="pill ${kind}">${e(text ?? '—')}</span>`;
}

function guestState(state: string | null): string {
  return pill(state, state === 'Accepted' ? 'ok' : state === 'PendingAcceptance' ? 'wait' : '');
}

export function renderConsolePage(input: ConsolePageInput): string {
  const { snapshot: s, clock } = input;
  const sources = input.sources
    .map(
      (source) => `<section data-source="${e(source.id)}"><h2>${e(source.title)}</h2>
<p class="actor">Played by ${e(source.actor)}</p>
${table(
  ['', 'Detail', ''],
  source.events.map((ev) => [e(ev.title), e(ev.detail), ev.actions.map(actionButton).join(' ')]),
  'Nothing to do.',
)}</section>`,
    )
    .join('\n');

  const offsetHours = Math.round((clock.offsetMs / 3_600_000) * 10) / 10;
  const clockSection = `<section class="wide" data-section="clock"><h2>Time</h2>
<p class="actor">Shared by the sandbox and Sesame: reminders, re-checks and deadlines follow it.</p>
<p>Now: <strong data-clock-now>${e(clock.now)}</strong>${
    offsetHours ? ` (${e(String(offsetHours))} h ahead of this machine)` : ''
  } · Next due: ${clock.nextDue ? `<strong>${e(clock.nextDue)}</strong>` : '<span class="empty">nothing</span>'}</p>
<div class="clock">
<button type="button" class="primary" data-method="POST" data-path="/_sandbox/clock/advance" data-body="${e(
    JSON.stringify({ to: 'next-due' }),
  )}"${clock.nextDue ? '' : ' disabled'}>Advance to the next due date</button>
<input id="hours" type="number" min="1" value="2" aria-label="hours"> <button type="button" data-method="POST" data-path="/_sandbox/clock/advance" data-amount-from="hours" data-amount-key="hours">Advance by hours</button>
${
  input.hasBusinessDays
    ? `<input id="days" type="number" min="1" value="2" aria-label="business days"> <button type="button" data-method="POST" data-path="/_sandbox/clock/advance" data-amount-from="days" data-amount-key="businessDays">Advance by business days</button>`
    : ''
}
</div></section>`;

  const guests = table(
    ['Guest', 'Mail', 'State', 'Invited', ''],
    s.guests.map((g) => [
      e(g.displayName),
      e(g.mail ?? ''),
      guestState(g.state),
      e(g.created),
      actionButton({
        label: 'Remove the guest',
        method: 'DELETE',
        path: `/_sandbox/tenant/guests/${encodeURIComponent(g.id)}`,
      }),
    ]),
    'No guest.',
  );
  const roles = table(
    ['Principal', 'Type', 'Role', 'Scope', ''],
    s.roleAssignments.map((a) => [
      e(a.principal),
      e(a.principalType),
      a.principalType === 'Guest' ? `${e(a.role)} ${pill('guest with a role', 'bad')}` : e(a.role),
      `<code>${e(a.scope)}</code>`,
      actionButton({
        label: 'Remove the assignment',
        method: 'DELETE',
        path: `/_sandbox/tenant/role-assignments/${encodeURIComponent(a.id)}`,
      }),
    ]),
    'No role assignment.',
  );
  const eligibilities = table(
    ['Principal', 'Type', 'Eligible for', 'Scope', ''],
    s.roleEligibilities.map((a) => [
      e(a.principal),
      e(a.principalType),
      a.principalType === 'Guest' ? `${e(a.role)} ${pill('guest eligible for a role', 'bad')}` : e(a.role),
      `<code>${e(a.scope)}</code>`,
      actionButton({
        label: 'Remove the eligibility',
        method: 'DELETE',
        path: `/_sandbox/tenant/role-eligibilities/${encodeURIComponent(a.id)}`,
      }),
    ]),
    'No eligibility.',
  );
  const settings = table(
    ['Setting', 'Now', 'Change to'],
    s.settings.map((t) => [
      `${e(t.title)}<br><code>${e(t.property)}</code>`,
      `<span data-setting-value="${e(t.id)}">${pill(t.options.find((o) => o.value === t.value)?.label ?? t.value, '')}</span>`,
      t.options
        .filter((o) => o.value !== t.value)
        .map((o) =>
          actionButton({
            label: o.label,
            method: 'PUT',
            path: `/_sandbox/tenant/settings/${encodeURIComponent(t.id)}`,
            body: { value: o.value },
          }),
        )
        .join(' '),
    ]),
    'No setting.',
  );
  const licences = table(
    ['Licence', 'Seats', 'Used', 'Free'],
    s.licences.map((l) => [
      e(l.skuPartNumber),
      e(String(l.enabled)),
      e(String(l.consumed)),
      pill(String(l.free), l.free > 0 ? 'ok' : 'bad'),
    ]),
    'No licence.',
  );
  const domains = table(
    ['Domain', 'Verified', 'TXT record'],
    s.domains.map((d) => [
      `${e(d.id)}${d.isDefault ? ' <span class="pill">default</span>' : ''}`,
      pill(d.isVerified ? 'verified' : 'unverified', d.isVerified ? 'ok' : 'wait'),
      d.isVerified ? '' : d.txtPublished ? 'published' : 'not published',
    ]),
    'No domain.',
  );
  const links = input.links.map((l) => `<a href="${e(l.url)}">${e(l.label)}</a>`).join(' · ');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sandbox console — ${e(s.tenant.displayName)}</title><style>${STYLE}</style></head>
<body>
<header><h1>Sandbox console — ${e(s.tenant.displayName)}</h1><span>Play the outside world: vendors, DNS, time.</span>${
    links ? `<span>${links}</span>` : ''
  }</header>
<p id="status" role="status"></p>
<main>
${clockSection}
${sources}
<section class="wide" data-section="settings"><h2>Tenant settings</h2>
<p class="actor">What an admin changes in the Entra admin center, outside Sesame: the checklist’s next snapshot reads it.</p>${settings}</section>
<section class="wide" data-section="guests"><h2>Guests</h2>${guests}</section>
<section class="wide" data-section="roles"><h2>Directory role assignments</h2>${roles}</section>
<section class="wide" data-section="eligibilities"><h2>Role eligibilities (PIM)</h2>${eligibilities}</section>
<section data-section="licences"><h2>Licences</h2>${licences}</section>
<section data-section="domains"><h2>Domains</h2>${domains}</section>
</main>
<script nonce="${e(input.nonce)}">${SCRIPT}</script>
</body></html>`;
}
