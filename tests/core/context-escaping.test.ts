import {
  fillPowerShell,
  fillUrl,
  powerShellString,
  urlComponent,
} from '../../core/procedures/context-escaping.js';

describe('texts filled from the run, escaped for their context', () => {
  it('URL components cannot add parameters, change the path or close a Markdown link', () => {
    expect(urlComponent("contoso.fr&redirect_uri=https://evil/#x (a)'*!")).toBe(
      'contoso.fr%26redirect_uri%3Dhttps%3A%2F%2Fevil%2F%23x%20%28a%29%27%2A%21',
    );
    expect(urlComponent('société')).toBe('soci%C3%A9t%C3%A9');
    const url = fillUrl('https://login.microsoftonline.com/{tenant}/adminconsent?client_id={app}', {
      tenant: '8a1e…/../common',
      app: 'ff28182b-b927-4697-9f0e-3d38e40971a8',
    });
    expect(url).toBe(
      'https://login.microsoftonline.com/8a1e%E2%80%A6%2F..%2Fcommon/adminconsent?client_id=ff28182b-b927-4697-9f0e-3d38e40971a8',
    );
    expect(new URL(url).pathname.split('/')).toHaveLength(3);
    expect(fillUrl('https://x/{unknown}', {})).toBe('https://x/{unknown}');
  });

  it('PowerShell strings are verbatim: no expansion, and no quote (straight or typographic) closes them', () => {
    expect(powerShellString('Cabinet Martin')).toBe("'Cabinet Martin'");
    expect(powerShellString("l'étude'; Remove-Item C:\\ -Recurse; '")).toBe(
      "'l''étude''; Remove-Item C:\\ -Recurse; '''",
    );
    expect(powerShellString('d’Artagnan ‘x’ ‚y‛')).toBe("'d’’Artagnan ‘‘x’’ ‚‚y‛‛'");
    expect(powerShellString('$env:PATH `whoami` @(1)')).toBe("'$env:PATH `whoami` @(1)'");
    expect(fillPowerShell('Set-MsolDomain -Name {domain}', { domain: "a'; rm -r /; 'b" })).toBe(
      "Set-MsolDomain -Name 'a''; rm -r /; ''b'",
    );
  });
});

describe('links on run cards', () => {
  it('fill their placeholders from the run, URL-encoded, in both languages', async () => {
    const { runCard } = await import('../../bot/cards/run-card.js');
    const { createRun } = await import('../../core/engine/run.js');
    const module = {
      procedure: {
        id: 'link-fixture',
        version: 1,
        title: { fr: 'Lien', en: 'Link' },
        summary: { fr: 'Lien', en: 'Link' },
        aliases: [],
        vendor: { name: 'Test' },
        requiredScopes: [],
        steps: [
          {
            id: 'consent',
            kind: 'manual' as const,
            title: { fr: 'Consentement', en: 'Consent' },
            instructions: { fr: 'Ouvrez le lien.', en: 'Open the link.' },
            links: [
              {
                label: { fr: 'Consentir', en: 'Consent' },
                url: 'https://login.microsoftonline.com/{tenant}/adminconsent?client_id=app',
              },
            ],
            doneLabel: { fr: 'Fait', en: 'Done' },
            scopes: [],
            roles: [],
          },
        ],
      },
      logic: { checks: {}, actions: {}, waits: {}, textParams: () => ({}) },
    };
    const run = {
      ...createRun({
        id: 'r1',
        procedureId: 'link-fixture',
        procedureVersion: 1,
        tenantId: 't',
        conversationId: 'c',
        locale: 'fr',
        startedBy: { id: 'a', name: 'A' },
        now: 0,
      }),
      currentStepId: 'consent',
      pending: { kind: 'manual' as const, stepId: 'consent' },
    };
    for (const locale of ['fr', 'en'] as const) {
      const card = runCard(module, run, {
        locale,
        sign: () => 'sig',
        params: { tenant: 'contoso) [evil](https://evil.example' },
        formatTime: (iso) => iso,
      });
      const json = JSON.stringify(card);
      expect(json).toContain(
        'https://login.microsoftonline.com/contoso%29%20%5Bevil%5D%28https%3A%2F%2Fevil.example/adminconsent',
      );
      expect(json).not.toContain('](https://evil.example');
    }
  });
});
