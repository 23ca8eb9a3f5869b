/**
 * What the outside world does in a procedure (a vendor accepts an invitation, the admin publishes a DNS record…),
 * listed for the sandbox console with the admin API call that plays it. Each source reads the live tenant; a later
 * procedure adds its own source here (a consent granted in a client tenant, a provisioning job that succeeds or
 * fails) and the console shows it with no other change.
 */
import { settleProvisioning } from '../graph/handlers/shared.js';
import { settleJob } from '../graph/handlers/synchronization.js';
import { CEGID_LOOP_COLLABORATIVE_APP, hasAdminConsent } from '../data/vendor-consent.js';
import type { SandboxRuntime } from '../runtime.js';

export interface ConsoleAction {
  readonly label: string;
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** A `/_sandbox/*` admin API path: the console does nothing the admin API cannot. */
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
  /** Shown as the main button of the row. */
  readonly primary?: boolean;
}

export interface OutsideEvent {
  readonly id: string;
  /** Untrusted directory text (names, addresses): the page escapes it. */
  readonly title: string;
  readonly detail: string;
  readonly actions: readonly ConsoleAction[];
}

export interface OutsideEventSource {
  readonly id: string;
  readonly title: string;
  /** Who acts, in the real world. */
  readonly actor: string;
  /** What there is to do now. */
  pending(rt: SandboxRuntime): OutsideEvent[];
}

const pendingGuestInvitations: OutsideEventSource = {
  id: 'guest-invitations',
  title: 'Pending guest invitations',
  actor: 'the invited guest (e.g. the vendor), from the invitation e-mail',
  pending(rt) {
    return rt.state
      .userList()
      .filter((u) => u.userType === 'Guest' && u.externalUserState === 'PendingAcceptance')
      .map((u) => ({
        id: u.id,
        title: `${u.displayName} <${u.mail ?? u.userPrincipalName}>`,
        detail: `invited ${u.createdDateTime}`,
        actions: [
          {
            label: 'Accept as the guest',
            method: 'POST',
            path: `/_sandbox/guests/${encodeURIComponent(u.id)}/accept`,
            primary: true,
          },
        ],
      }));
  },
};

const domainDnsRecords: OutsideEventSource = {
  id: 'dns-records',
  title: 'DNS records of unverified domains',
  actor: 'the admin, at the domain’s DNS host',
  pending(rt) {
    return [...rt.state.domains.entries()]
      .filter(([, d]) => d.isVerified !== true)
      .map(([name]) => {
        const published = rt.state.publishedDnsTxt.has(name);
        const txt = rt.state.domainVerificationCodes.get(name) ?? '';
        const path = `/_sandbox/dns/${encodeURIComponent(name)}`;
        return {
          id: name,
          title: name,
          detail: `TXT ${txt} — ${published ? 'published' : 'not published'}`,
          actions: published
            ? [{ label: 'Withdraw the TXT record', method: 'DELETE', path }]
            : [{ label: 'Publish the TXT record', method: 'PUT', path, primary: true }],
        };
      });
  },
};

const provisioningJobs: OutsideEventSource = {
  id: 'provisioning-jobs',
  title: 'Provisioning jobs of gallery apps',
  actor: 'the vendor (e.g. LogMeIn), on its side of the provisioning connection',
  pending(rt) {
    const out: OutsideEvent[] = [];
    for (const [spId, s] of rt.state.synchronization) {
      const sp = rt.state.servicePrincipals.get(spId);
      for (const job of s.jobs.values()) {
        settleJob(rt.state, spId, job, rt.now());
        const status = job.status as { code?: string } | null;
        const code = status?.code ?? 'unknown';
        out.push({
          id: job.id,
          title: `${sp?.displayName ?? spId} — ${job.id}`,
          detail: `status ${code}`,
          actions:
            code === 'Active'
              ? [
                  {
                    label: 'Revoke the secret token (the job goes into quarantine)',
                    method: 'PUT',
                    path: `/_sandbox/synchronization/${encodeURIComponent(spId)}/jobs/${encodeURIComponent(job.id)}/quarantine`,
                    // Not primary: a failure the tester chooses to play, not what moves the procedure on.
                  },
                ]
              : [],
        });
      }
    }
    return out;
  },
};

const vendorConsents: OutsideEventSource = {
  id: 'vendor-consents',
  title: 'Admin consent to the Cegid Loop collaborative app',
  actor: 'a Global Administrator of the tenant, from the admin-consent link Sesame gives',
  pending(rt) {
    const app = CEGID_LOOP_COLLABORATIVE_APP;
    return rt.tenants
      .filter((t) => !hasAdminConsent(t, app.appId))
      .map((t) => ({
        id: t.tenantId,
        title: `${t.tenantDisplayName}: consent to ${app.displayName} (${app.appId})`,
        detail: `creates its service principal, the delegated grant (${app.delegatedScopes.join(' ')}) and the application permissions in ${t.tenantDisplayName}`,
        actions: [
          {
            label: 'Consent as the tenant’s Global Administrator',
            method: 'POST',
            path: `/_sandbox/tenants/${encodeURIComponent(t.tenantId)}/consents/${app.appId}`,
            primary: true,
          },
          // A user's own consent (the checklist's vendor-apps rule warns: no admin consent).
          ...t
            .userList()
            .filter((u) => u.userType === 'Member')
            .slice(0, 1)
            .map((u): ConsoleAction => ({
              label: `Consent for themselves only, as ${u.displayName}`,
              method: 'POST',
              path: `/_sandbox/tenants/${encodeURIComponent(t.tenantId)}/consents/${app.appId}/users/${encodeURIComponent(u.id)}`,
            })),
        ],
      }));
  },
};

/** The sandbox's DNS server (procedure B asks it when Graph does not know a domain): make it fail, or not. */
const dnsServer: OutsideEventSource = {
  id: 'dns-server',
  title: 'The DNS server',
  actor: 'the internet’s DNS, as Sesame’s resolver reaches it',
  pending(rt) {
    return [
      rt.dnsOutage
        ? {
            id: 'dns-outage',
            title: `DNS failing: every query answered ${rt.dnsOutage}`,
            detail: 'procedure B says DNS could not answer and offers to try again',
            actions: [
              { label: 'Bring DNS back', method: 'DELETE', path: '/_sandbox/dns-outage', primary: true },
            ],
          }
        : {
            id: 'dns-answering',
            title: 'DNS answering for the sandbox’s domains (NXDOMAIN for any other)',
            detail: `${rt.dnsLog.length} queries answered since the last reset`,
            actions: [
              { label: 'Make DNS fail (SERVFAIL)', method: 'PUT', path: '/_sandbox/dns-outage' },
              {
                label: 'Make DNS refuse (REFUSED)',
                method: 'PUT',
                path: '/_sandbox/dns-outage',
                body: { rcode: 'REFUSED' },
              },
            ],
          },
    ];
  },
};

const mailboxes: OutsideEventSource = {
  id: 'mailboxes',
  title: 'Mailboxes being provisioned',
  actor: 'Exchange Online, minutes after a licence with an Exchange plan is assigned',
  pending(rt) {
    return rt.state.userList().flatMap((u) => {
      settleProvisioning(rt, u);
      const plans =
        (u.provisionedPlans as { provisioningStatus: string; readyAt?: number }[] | undefined) ?? [];
      const pending = plans.find((p) => p.provisioningStatus === 'PendingActivation');
      if (!pending) return [];
      const ready = typeof pending.readyAt === 'number' ? new Date(pending.readyAt).toISOString() : 'unknown';
      return [
        {
          id: u.id,
          title: `${u.displayName} <${u.userPrincipalName}>`,
          detail: `mailbox PendingActivation, ready at ${ready} (sandbox clock)`,
          actions: [
            {
              label: 'Finish provisioning now',
              method: 'POST',
              path: `/_sandbox/users/${encodeURIComponent(u.id)}/mailbox`,
              primary: true,
            },
          ],
        },
      ];
    });
  },
};

/** The console lists these, in this order. */
export const OUTSIDE_EVENT_SOURCES: readonly OutsideEventSource[] = [
  pendingGuestInvitations,
  domainDnsRecords,
  provisioningJobs,
  vendorConsents,
  mailboxes,
  dnsServer,
];
