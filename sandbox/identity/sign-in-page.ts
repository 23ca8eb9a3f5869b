import type { SandboxPrincipal } from '../contracts.js';

export type PageLanguage = 'fr' | 'en';

/** Human names of the directory role templates the sign-in page shows as badges. */
export const ROLE_NAMES: Readonly<Record<string, { readonly en: string; readonly fr: string }>> = {
  '62e90394-69f5-4237-9190-012177145e10': { en: 'Global Administrator', fr: 'Administrateur général' },
  'e8611ab8-c189-46e8-94e1-60213ab1f814': {
    en: 'Privileged Role Administrator',
    fr: 'Administrateur de rôle privilégié',
  },
  'fe930be7-5e62-47db-91af-98c3a49a38b1': { en: 'User Administrator', fr: "Administrateur d'utilisateurs" },
  '95e79109-95c0-4d8e-aee3-d01accf2d47b': { en: 'Guest Inviter', fr: "Inviteur d'invités" },
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': {
    en: 'Application Administrator',
    fr: "Administrateur d'applications",
  },
  '158c047a-c907-4556-b7ef-446551a6b5f7': {
    en: 'Cloud Application Administrator',
    fr: "Administrateur d'applications cloud",
  },
  '194ae4cb-b126-40b2-bd5b-6091b380977d': {
    en: 'Security Administrator',
    fr: 'Administrateur de la sécurité',
  },
  '5d6b6bb7-de71-4623-b4af-96380a352509': { en: 'Security Reader', fr: 'Lecteur de sécurité' },
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': { en: 'Global Reader', fr: 'Lecteur général' },
  '29232cdf-9323-42fd-ade2-1d097af3e4de': { en: 'Exchange Administrator', fr: 'Administrateur Exchange' },
  '4d6ac14f-3453-41d0-bef9-a3e0c569773a': { en: 'License Administrator', fr: 'Administrateur de licence' },
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': {
    en: 'Helpdesk Administrator',
    fr: 'Administrateur du support technique',
  },
  '8329153b-31d0-4727-b945-745eb3bc5f31': {
    en: 'Domain Name Administrator',
    fr: 'Administrateur de noms de domaine',
  },
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': {
    en: 'Hybrid Identity Administrator',
    fr: "Administrateur de l'identité hybride",
  },
  '69091246-20e8-4a56-aa4d-066075b2a7a8': { en: 'Teams Administrator', fr: 'Administrateur Teams' },
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': { en: 'SharePoint Administrator', fr: 'Administrateur SharePoint' },
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': {
    en: 'Billing Administrator',
    fr: 'Administrateur de facturation',
  },
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': { en: 'Directory Readers', fr: 'Lecteurs de répertoire' },
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': {
    en: 'Authentication Administrator',
    fr: "Administrateur d'authentification",
  },
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': {
    en: 'Privileged Authentication Administrator',
    fr: "Administrateur d'authentification privilégié",
  },
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': {
    en: 'Conditional Access Administrator',
    fr: "Administrateur de l'accès conditionnel",
  },
};

/** Roles that can change who holds what: shown in a stronger colour. */
const PRIVILEGED_ROLES = new Set([
  '62e90394-69f5-4237-9190-012177145e10',
  'e8611ab8-c189-46e8-94e1-60213ab1f814',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
]);

export function roleName(templateId: string, lang: PageLanguage): string {
  const known = ROLE_NAMES[templateId.toLowerCase()];
  if (known) return known[lang];
  return `${lang === 'fr' ? 'Rôle' : 'Role'} ${templateId}`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** `ui_locales` wins over Accept-Language, as on Entra's page. */
export function pickLanguage(
  uiLocales: string | undefined,
  acceptLanguage: string | undefined,
): PageLanguage {
  const fromUi = uiLocales?.split(/[\s,]+/).find(Boolean);
  if (fromUi) return fromUi.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

const TEXT = {
  en: {
    title: 'Sign in — sandbox tenant',
    heading: 'Pick an account',
    continueTo: (app: string) => `to continue to ${app}`,
    noRole: 'No directory role',
    noUsers: 'This tenant has no user who can sign in.',
    footer: 'Sandbox tenant: a local stand-in for Microsoft Entra ID. No password, no Microsoft cloud.',
    errorTitle: 'Sign-in error',
    signedInTitle: 'Signed in',
    signedInBody: 'You are signed in. You can close this window: the conversation continues in the chat.',
    signedInBodyWithCode: 'You are signed in. Go back to the chat: the conversation continues there.',
    code: 'If the chat asks for a code, type:',
  },
  fr: {
    title: 'Connexion — tenant bac à sable',
    heading: 'Choisissez un compte',
    continueTo: (app: string) => `pour continuer vers ${app}`,
    noRole: 'Aucun rôle d’annuaire',
    noUsers: 'Ce tenant n’a aucun utilisateur pouvant se connecter.',
    footer:
      'Tenant bac à sable : une doublure locale de Microsoft Entra ID. Pas de mot de passe, pas de cloud Microsoft.',
    errorTitle: 'Erreur de connexion',
    signedInTitle: 'Connecté',
    signedInBody:
      'Vous êtes connecté. Vous pouvez fermer cette fenêtre : la conversation continue dans le chat.',
    signedInBodyWithCode: 'Vous êtes connecté. Retournez dans la conversation : elle continue là-bas.',
    code: 'Si la conversation demande un code, saisissez :',
  },
} as const;

export function pageText(lang: PageLanguage) {
  return TEXT[lang];
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f2f1;
font:15px/1.4 "Segoe UI",system-ui,-apple-system,sans-serif;color:#1b1a19}
main{width:min(460px,94vw);background:#fff;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.12);padding:32px 32px 20px}
.tenant{font-size:13px;font-weight:600;color:#605e5c;letter-spacing:.02em;text-transform:uppercase}
h1{font-size:24px;font-weight:600;margin:8px 0 2px}
.sub{margin:0 0 20px;color:#484644}
ul{list-style:none;margin:0;padding:0}
li+li{border-top:1px solid #edebe9}
button.account{all:unset;box-sizing:border-box;display:flex;gap:12px;align-items:center;width:100%;padding:12px 8px;cursor:pointer;border-radius:4px}
button.account:hover,button.account:focus-visible{background:#f3f2f1;outline:2px solid #0f6cbd;outline-offset:-2px}
.avatar{flex:none;width:40px;height:40px;border-radius:50%;background:#0f6cbd;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:600}
.who{display:flex;flex-direction:column;min-width:0}
.name{font-weight:600}
.upn{color:#605e5c;font-size:13px;overflow:hidden;text-overflow:ellipsis}
.org{color:#0f6cbd;font-size:12px;font-weight:600}
.badges{display:flex;flex-wrap:wrap;gap:4px;margin-top:4px}
.badge{font-size:11px;padding:1px 8px;border-radius:10px;background:#ebf3fc;color:#0f548c;border:1px solid #b4d6fa}
.badge.priv{background:#fdf3f4;color:#a4262c;border-color:#eeacb2}
.badge.none{background:#f3f2f1;color:#605e5c;border-color:#e1dfdd}
footer{margin-top:20px;font-size:12px;color:#605e5c}
.error{color:#a4262c}
code{font-size:20px;letter-spacing:.2em}
`;

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function layout(lang: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}<footer>${escapeHtml(TEXT[lang].footer)}</footer></main></body></html>`;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0] ?? '?'];
  return letters.join('').toUpperCase();
}

export interface SignInPageInput {
  readonly lang: PageLanguage;
  readonly tenantName: string;
  readonly appName: string;
  readonly users: readonly SandboxPrincipal[];
  /** Where the form posts (same origin). */
  readonly action: string;
  /** Hidden fields: the pending request id and the CSRF token. */
  readonly hidden: Readonly<Record<string, string>>;
  /** Preselected principal (the Teams user, for the bot sign-in): listed first. */
  readonly hintPrincipalId?: string;
}

export function renderSignInPage(input: SignInPageInput): string {
  const t = TEXT[input.lang];
  const users = [...input.users].sort((a, b) =>
    a.id === input.hintPrincipalId ? -1 : b.id === input.hintPrincipalId ? 1 : 0,
  );
  // More than one tenant: each account shows which organisation it belongs to.
  const tenants = new Set(users.map((u) => u.tenantId));
  const items = users
    .map((user) => {
      const org =
        tenants.size > 1
          ? `<span class="org" data-tenant="${escapeHtml(user.tenantId ?? '')}">${escapeHtml(user.tenantDisplayName ?? '')}</span>`
          : '';
      const badges = user.roleTemplateIds.length
        ? user.roleTemplateIds
            .map(
              (id) =>
                `<span class="badge${PRIVILEGED_ROLES.has(id.toLowerCase()) ? ' priv' : ''}" data-role="${escapeHtml(id)}">${escapeHtml(roleName(id, input.lang))}</span>`,
            )
            .join('')
        : `<span class="badge none">${escapeHtml(t.noRole)}</span>`;
      return `<li><button class="account" type="submit" name="user" value="${escapeHtml(user.id)}">
<span class="avatar" aria-hidden="true">${escapeHtml(initials(user.displayName))}</span>
<span class="who"><span class="name">${escapeHtml(user.displayName)}</span><span class="upn">${escapeHtml(user.userPrincipalName)}</span>${org}
<span class="badges">${badges}</span></span></button></li>`;
    })
    .join('\n');
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return layout(
    input.lang,
    t.title,
    `<div class="tenant">${escapeHtml(input.tenantName)}</div>
<h1>${escapeHtml(t.heading)}</h1><p class="sub">${escapeHtml(t.continueTo(input.appName))}</p>
<form method="post" action="${escapeHtml(input.action)}">${hidden}
${users.length ? `<ul>${items}</ul>` : `<p>${escapeHtml(t.noUsers)}</p>`}</form>`,
  );
}

export function renderMessagePage(
  lang: PageLanguage,
  kind: 'error' | 'signedIn',
  message: string,
  magicCode?: string,
): string {
  const t = TEXT[lang];
  const title = kind === 'error' ? t.errorTitle : t.signedInTitle;
  const code = magicCode ? `<p>${escapeHtml(t.code)}</p><p><code>${escapeHtml(magicCode)}</code></p>` : '';
  return layout(
    lang,
    title,
    `<h1${kind === 'error' ? ' class="error"' : ''}>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${code}`,
  );
}

/** form_post response mode: the browser posts code and state to the redirect URI itself. */
export function renderFormPost(
  redirectUri: string,
  fields: Readonly<Record<string, string>>,
  nonce: string,
): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Working…</title></head><body>
<form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>
<script nonce="${escapeHtml(nonce)}">document.forms[0].submit()</script></body></html>`;
}

export { TEXT as SIGN_IN_TEXT };
