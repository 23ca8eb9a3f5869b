/**
 * What each part of the tab shows in each state, rendered to HTML with react-dom/server (no jsdom or browser here).
 * The views are the components the tab renders, given their data instead of loading it.
 */
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { TabApiError, type TabAuditEvent, type TabProcedure, type TabRun } from '../../tab/src/api-client.js';
import { AuditLogView, noOlderPages, type AuditLogViewProps } from '../../tab/src/AuditLog.js';
import { tt } from '../../tab/src/i18n.js';
import { OutsideTeams } from '../../tab/src/OutsideTeams.js';
import { ProcedureListView, type ProcedureListViewProps } from '../../tab/src/ProcedureList.js';
import { RunListView } from '../../tab/src/RunList.js';
import { AccessNotice } from '../../tab/src/TabApp.js';
import { ChecklistView, idleRefresh, type ChecklistViewProps } from '../../tab/src/Checklist.js';
import { checklistItems, checklistView } from './checklist-fixture.js';

function render(element: ReactElement): string {
  return renderToStaticMarkup(createElement(FluentProvider, { theme: teamsLightTheme }, element));
}

/** Text content, whitespace collapsed and the few entities React writes decoded. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const noop = () => undefined;

const procedures: TabProcedure[] = [
  {
    id: 'vendor-guest-access',
    title: { fr: 'Accès invité éditeur', en: 'Vendor guest access' },
    summary: { fr: 'Invite le compte de l’éditeur.', en: "Invites the vendor's account." },
  },
];

const run: TabRun = {
  id: 'run-1',
  procedureId: 'vendor-guest-access',
  procedureTitle: procedures[0]!.title,
  status: 'waiting',
  currentStepId: 'wait-acceptance',
  currentStepTitle: { fr: 'Attente de l’acceptation', en: 'Waiting for acceptance' },
  startedAt: '2026-11-20T09:30:00Z',
  startedBy: { id: 'u1', name: 'Camille Martin' },
  updatedAt: '2026-11-21T10:00:00Z',
};

describe('outside Teams', () => {
  it.each(['fr', 'en'] as const)(
    'explains in %s where the tab runs and how to try Sesame locally',
    (locale) => {
      const html = text(render(createElement(OutsideTeams, { locale })));
      expect(html).toContain(tt(locale, 'outside.title'));
      expect(html).toContain('npm start');
      expect(html).toContain('Agents Playground');
    },
  );
});

describe('who sees what', () => {
  it.each(['fr', 'en'] as const)(
    'tells a user without an admin role (%s) that they see their own runs',
    (locale) => {
      const own = text(render(createElement(AccessNotice, { locale, scope: 'own' })));
      expect(own).toContain(tt(locale, 'app.access.own'));
      expect(own).toContain('Sesame.Auditor');
      const tenant = text(render(createElement(AccessNotice, { locale, scope: 'tenant' })));
      expect(tenant).toContain(tt(locale, 'app.access.tenant'));
    },
  );
});

describe('procedure list', () => {
  const view = (props: Partial<ProcedureListViewProps>) =>
    render(
      createElement(ProcedureListView, {
        locale: 'en',
        resource: { state: 'loading' },
        onRetry: noop,
        onStart: noop,
        openFailed: false,
        ...props,
      }),
    );

  it('shows a spinner with a label while loading', () => {
    const html = view({});
    expect(html).toMatch(/<h2[^>]*>Procedures<\/h2>/);
    expect(html).toContain('role="progressbar"');
    expect(text(html)).toContain(tt('en', 'procedures.loading'));
  });

  it("shows the server's message and a Retry button on error", () => {
    const html = view({
      resource: { state: 'error', error: new TabApiError('forbidden', 403, 'Réservé aux admins.') },
    });
    expect(text(html)).toContain('Réservé aux admins.');
    expect(html).toMatch(/<button[^>]*>Retry<\/button>/);
  });

  it('lists each procedure with a labelled Start in chat button', () => {
    const html = view({ locale: 'fr', resource: { state: 'ready', data: { procedures, botId: 'bot-1' } } });
    expect(html).toMatch(/<h3[^>]*>Accès invité éditeur<\/h3>/);
    expect(text(html)).toContain('Invite le compte de l’éditeur.');
    expect(html).toContain(
      `aria-label="${tt('fr', 'procedures.startLabel', { title: 'Accès invité éditeur' })}"`,
    );
    expect(html).not.toContain('aria-disabled="true"');
  });

  it('keeps the list but disables starting when the bot id is unknown', () => {
    const html = view({ resource: { state: 'ready', data: { procedures, botId: undefined } } });
    expect(text(html)).toContain(tt('en', 'procedures.noBot'));
    expect(html).toContain('aria-disabled="true"');
  });

  it('says so when there is no procedure', () => {
    const html = view({ resource: { state: 'ready', data: { procedures: [], botId: 'bot-1' } } });
    expect(text(html)).toContain(tt('en', 'procedures.empty'));
  });
});

describe('run list', () => {
  const view = (resource: Parameters<typeof RunListView>[0]['resource'], locale: 'fr' | 'en' = 'en') =>
    render(
      createElement(RunListView, {
        locale,
        languageTag: locale === 'fr' ? 'fr-FR' : 'en-GB',
        resource,
        onRetry: noop,
      }),
    );

  it('invites to start a procedure when there is no run', () => {
    expect(text(view({ state: 'ready', data: [] }))).toContain(
      'No procedure run yet — start one from the list.',
    );
  });

  it('shows runs in a table with column headers', () => {
    const html = view({ state: 'ready', data: [run] }, 'fr');
    expect(html).toContain('<table');
    for (const key of [
      'runs.col.procedure',
      'runs.col.status',
      'runs.col.step',
      'runs.col.startedBy',
    ] as const) {
      expect(html).toMatch(new RegExp(`<th[^>]*scope="col"[^>]*>[^<]*(<[^>]+>)*${tt('fr', key)}`));
    }
    const cells = text(html);
    expect(cells).toContain('Accès invité éditeur');
    expect(cells).toContain(tt('fr', 'status.waiting'));
    expect(cells).toContain('Attente de l’acceptation');
    expect(cells).toContain('Camille Martin');
    expect(html).toContain('dateTime="2026-11-20T09:30:00Z"');
    expect(cells).toContain('2026');
  });

  it('shows a run stopped at its rights check as blocked, with the roles it waits for', () => {
    const blocked: TabRun = {
      ...run,
      status: 'active',
      currentStepId: null,
      currentStepTitle: undefined,
      startedBy: { id: 'u3', name: 'Lucas Moreau' },
      waitingFor: {
        kind: 'rights',
        stepTitle: null,
        missingRoles: [{ fr: 'Inviteur', en: 'Guest Inviter' }],
        missingScopes: [],
      },
    };
    const cells = text(view({ state: 'ready', data: [blocked] }, 'fr'));
    expect(cells).toContain(tt('fr', 'status.blocked'));
    expect(cells).not.toContain(tt('fr', 'status.active'));
    expect(cells).toContain(tt('fr', 'runs.step.rightsCheck'));
    expect(cells).toContain('Une personne ayant le rôle Inviteur');
  });

  it('says until when a waiting run waits, and who acted last', () => {
    const waiting: TabRun = {
      ...run,
      waitingFor: { kind: 'deadline', stepTitle: run.currentStepTitle!, until: '2026-11-24T09:00:00Z' },
      lastActor: { id: 'u9', name: 'Emma Robert' },
    };
    const cells = text(view({ state: 'ready', data: [waiting] }, 'en'));
    expect(cells).toContain('Until 24 Nov 2026');
    expect(cells).toContain('last action: Emma Robert');
  });

  it('shows a labelled spinner, then errors with Retry', () => {
    expect(text(view({ state: 'loading' }))).toContain(tt('en', 'runs.loading'));
    const html = view({ state: 'error', error: new TabApiError('network', 0) });
    expect(text(html)).toContain(tt('en', 'error.network'));
    expect(html).toMatch(/<button[^>]*>Retry<\/button>/);
  });
});

describe('audit log', () => {
  const events = (from: number, count: number): TabAuditEvent[] =>
    Array.from({ length: count }, (_, i) => ({
      seq: from - i,
      at: '2026-11-21T10:00:00Z',
      actorName: 'Camille Martin',
      runId: 'run-1',
      action: 'graph.write',
      result: 'ok',
      details: {
        procedureId: 'vendor-guest-access',
        stepId: 'invite',
        op: 'inviteGuest',
        args: [{ email: 'support@vendor.example', redirectUrl: 'https://myapps.microsoft.com' }],
        requestIds: ['5d0c0b6a-1111-4222-8333-944455556666'],
        objectIds: ['0e1d2c3b-aaaa-4bbb-8ccc-dddddddddddd'],
      },
      procedureTitle: procedures[0]!.title,
      stepTitle: { fr: 'Invitation', en: 'Invitation' },
    }));
  const view = (props: Partial<AuditLogViewProps>) =>
    render(
      createElement(AuditLogView, {
        locale: 'en',
        languageTag: 'en-GB',
        pageSize: 3,
        firstPage: { state: 'loading' },
        older: noOlderPages,
        onRetry: noop,
        onLoadOlder: noop,
        ...props,
      }),
    );

  it('offers older entries after a full page', () => {
    const html = view({ firstPage: { state: 'ready', data: events(10, 3) } });
    expect(html.match(/<tr/g)).toHaveLength(4);
    expect(text(html)).toContain('Change to the tenant');
    expect(text(html)).toContain('Invitation · support@vendor.example');
    expect(text(html)).toContain('Vendor guest access');
    // Never the raw internals: step id, operation, request and object GUIDs.
    expect(text(html)).not.toMatch(/inviteGuest|stepId|5d0c0b6a|0e1d2c3b|run-1/);
    expect(html).toMatch(/<button[^>]*>Show older entries<\/button>/);
  });

  it('says the log starts here after a short page', () => {
    const html = view({
      firstPage: { state: 'ready', data: events(10, 3) },
      older: { events: events(7, 1), loading: false, reachedStart: true },
    });
    expect(html.match(/<tr/g)).toHaveLength(5);
    expect(text(html)).toContain(tt('en', 'audit.end'));
    expect(html).not.toContain('Show older entries');
  });

  it('says when nothing was recorded yet', () => {
    expect(text(view({ firstPage: { state: 'ready', data: [] } }))).toContain(tt('en', 'audit.empty'));
  });
});

describe('checklist', () => {
  const noopAsync = async () => undefined;
  const view = (props: Partial<ChecklistViewProps>) =>
    render(
      createElement(ChecklistView, {
        locale: 'fr',
        languageTag: 'fr-FR',
        view: { state: 'loading' },
        live: idleRefresh,
        exceptions: [],
        onRetry: noop,
        onRefresh: noop,
        onAccept: noopAsync,
        onRenew: noopAsync,
        onRevoke: noopAsync,
        ...props,
      }),
    );

  it('shows a labelled spinner while the last snapshot loads, then the server’s error with Retry', () => {
    expect(text(view({}))).toContain(tt('fr', 'checklist.loading'));
    const html = view({
      view: { state: 'error', error: new TabApiError('store_unavailable', 503, 'Base indisponible.') },
    });
    expect(text(html)).toContain('Base indisponible.');
    expect(html).toMatch(/<button[^>]*>Réessayer<\/button>/);
  });

  it('never shows a blank page on the first reading: progress and the areas still being read', () => {
    const html = view({
      view: { state: 'ready', data: { snapshot: null, changes: null, canManageExceptions: true } },
      live: {
        state: 'running',
        areas: ['guest-access', 'guests', 'roles', 'apps', 'domains'],
        fresh: { 'guest-access': checklistItems.filter((i) => i.area === 'guest-access') },
      },
    });
    expect(text(html)).toContain('Première lecture de votre tenant : 1 zones sur 5…');
    expect(html).toContain('role="progressbar"');
    expect(text(html)).toContain('Qui peut inviter des invités');
    // Areas not read yet are there, marked as being read.
    expect(html).toMatch(/aria-busy="true"[^>]*>.*Comptes invités/);
  });

  it('says when there is nothing yet, and when the live reading failed over the last snapshot', () => {
    expect(
      text(
        view({
          view: { state: 'ready', data: { snapshot: null, changes: null, canManageExceptions: false } },
        }),
      ),
    ).toContain(tt('fr', 'checklist.empty'));
    const failed = text(
      view({
        view: { state: 'ready', data: checklistView() },
        live: {
          ...idleRefresh,
          state: 'error',
          error: new TabApiError('auth_required', 401, 'Reconnectez-vous.'),
        },
      }),
    );
    expect(failed).toContain(tt('fr', 'checklist.refreshFailed'));
    expect(failed).toContain('Reconnectez-vous.');
    expect(failed).toContain(tt('fr', 'checklist.showingLast'));
    expect(failed).toContain('Qui peut inviter des invités');
  });

  it('counts items by effective status, Sesame’s accepted grant as accepted', () => {
    const html = text(view({ view: { state: 'ready', data: checklistView() } }));
    expect(html).toMatch(/1 Échec 1 Attention 1 Inconnu 1 Accepté 2 Conforme/);
  });
});
