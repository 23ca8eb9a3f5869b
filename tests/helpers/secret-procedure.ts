/**
 * A test procedure whose writes carry secrets, run by the real bot: a service account whose password Sesame
 * generates (shown once on the card of the confirmation), and a gallery app's provisioning credentials whose
 * secret token the admin types on a confirm card (validated with validateCredentials, then saved). The shape
 * procedures C and D take; the steps are data, the logic typed (no casts).
 */
import { APPLICATION_TEMPLATES, INITIAL_DOMAIN } from '../../sandbox/data/seed.js';
import { graphNeeds } from '../../core/graph/scopes.js';
import { defineAction, graphCall } from '../../core/procedures/typed-logic.js';
import {
  requiredScopesOf,
  secretRef,
  type ActionLogic,
  type Procedure,
  type ProcedureModule,
} from '../../core/procedures/types.js';

const L = (fr: string, en: string) => ({ fr, en });
export const SERVICE_ACCOUNT_UPN = `svc-secret-test@${INITIAL_DOMAIN}`;
export const SECRET_TEST_WORDS = 'test des secrets';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

const account = defineAction({
  probe: () => ({ existing: graphCall('findUsersByMail', SERVICE_ACCOUNT_UPN) }),
  interpretProbe: (_ctx, { existing }) =>
    !existing.ok
      ? { error: true, summary: L('Lecture impossible.', 'Could not read.') }
      : existing.data.users.some((u) => u.userPrincipalName === SERVICE_ACCOUNT_UPN)
        ? { done: true, summary: L('Le compte existe déjà.', 'The account already exists.') }
        : { done: false },
  write: () =>
    graphCall('createServiceAccount', {
      displayName: 'Compte de service test',
      mailNickname: 'svc-secret-test',
      userPrincipalName: SERVICE_ACCOUNT_UPN,
      usageLocation: 'FR',
      password: secretRef('servicePassword'),
    }),
  interpretWrite: (_ctx, result) =>
    result.ok
      ? {
          status: 'done',
          summary: L('Compte de service créé.', 'Service account created.'),
          objectIds: [result.data.id],
        }
      : { status: 'failed', summary: L('Création refusée.', 'Creation refused.') },
});

const app = defineAction({
  probe: () => ({ me: graphCall('getMe') }),
  interpretProbe: () => ({ done: false }),
  write: () => graphCall('instantiateApplicationTemplate', APPLICATION_TEMPLATES.goTo.id, 'GoTo Meeting'),
  interpretWrite: (_ctx, result) =>
    result.ok
      ? {
          status: 'done',
          summary: L('Application ajoutée.', 'App added.'),
          facts: { spId: result.data.servicePrincipal?.id ?? '' },
        }
      : { status: 'failed', summary: L('Ajout refusé.', 'Adding refused.') },
});

const job = defineAction({
  probe: (ctx) => ({ templates: graphCall('listSynchronizationTemplates', str(ctx.facts.spId)) }),
  interpretProbe: (_ctx, { templates }) =>
    templates.ok && templates.data.templates[0]
      ? { done: false, facts: { templateId: templates.data.templates[0].id } }
      : { error: true, summary: L('Pas de modèle.', 'No template.') },
  write: (ctx) => graphCall('createSynchronizationJob', str(ctx.facts.spId), str(ctx.facts.templateId)),
  interpretWrite: (_ctx, result) =>
    result.ok
      ? { status: 'done', summary: L('Tâche créée.', 'Job created.'), facts: { jobId: result.data.id } }
      : { status: 'failed', summary: L('Tâche refusée.', 'Job refused.') },
});

const credentials = (ctx: { inputs: Readonly<Record<string, string>> }) => [
  { key: 'BaseAddress', value: ctx.inputs.tenantUrl ?? '' },
  { key: 'SecretToken', value: secretRef('secretToken') },
];

const saveCredentials = defineAction({
  probe: () => ({ me: graphCall('getMe') }),
  interpretProbe: () => ({ done: false }),
  validate: (ctx) => ({
    test: graphCall(
      'validateSynchronizationCredentials',
      str(ctx.facts.spId),
      str(ctx.facts.jobId),
      credentials(ctx),
    ),
  }),
  interpretValidate: (_ctx, { test }) =>
    test.ok
      ? { ok: true }
      : {
          ok: false,
          problem: L(
            'GoTo a refusé ces identifiants : vérifiez le jeton et recommencez.',
            'GoTo refused these credentials: check the token and try again.',
          ),
        },
  write: (ctx) => graphCall('saveSynchronizationSecrets', str(ctx.facts.spId), credentials(ctx)),
  interpretWrite: (_ctx, result) =>
    result.ok
      ? { status: 'done', summary: L('Identifiants enregistrés.', 'Credentials saved.') }
      : { status: 'failed', summary: L('Enregistrement refusé.', 'Saving refused.') },
});

const actions: Record<string, ActionLogic> = { account, app, job, saveCredentials };

const procedure: Procedure = {
  id: 'secret-test',
  version: 1,
  title: L('Test des secrets', 'Secrets test'),
  summary: L('Écritures qui portent des secrets.', 'Writes that carry secrets.'),
  aliases: [SECRET_TEST_WORDS, 'secrets test'],
  vendor: { name: 'Test' },
  requiredScopes: [],
  steps: [
    {
      id: 'account',
      kind: 'action',
      title: L('Compte de service', 'Service account'),
      logic: 'account',
      confirm: L('Créer le compte de service ?', 'Create the service account?'),
      generates: [
        {
          name: 'servicePassword',
          length: 20,
          label: L('Mot de passe du compte de service', 'Password of the service account'),
        },
      ],
      ...graphNeeds('findUsersByMail', 'createServiceAccount'),
    },
    {
      id: 'app',
      kind: 'action',
      title: L('Application', 'App'),
      logic: 'app',
      confirm: L('Ajouter GoTo Meeting ?', 'Add GoTo Meeting?'),
      ...graphNeeds('getMe', 'instantiateApplicationTemplate'),
    },
    {
      id: 'job',
      kind: 'action',
      title: L('Tâche d’approvisionnement', 'Provisioning job'),
      logic: 'job',
      confirm: L('Créer la tâche ?', 'Create the job?'),
      ...graphNeeds('listSynchronizationTemplates', 'createSynchronizationJob'),
    },
    {
      id: 'url',
      kind: 'input',
      title: L('Adresse du locataire', 'Tenant URL'),
      fields: [
        {
          id: 'tenantUrl',
          type: 'text',
          label: L('Adresse du locataire', 'Tenant URL'),
          rules: [{ kind: 'required' }],
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'credentials',
      kind: 'action',
      title: L('Identifiants GoTo', 'GoTo credentials'),
      logic: 'saveCredentials',
      confirm: L('Tester et enregistrer ces identifiants ?', 'Test and save these credentials?'),
      secretFields: [
        {
          id: 'secretToken',
          label: L('Jeton secret', 'Secret token'),
          rules: [{ kind: 'maxLength', max: 500 }],
        },
      ],
      ...graphNeeds('getMe', 'validateSynchronizationCredentials', 'saveSynchronizationSecrets'),
    },
    {
      id: 'end',
      kind: 'manual',
      title: L('Fin', 'End'),
      instructions: L('C’est fini.', 'That is all.'),
      doneLabel: L('Terminé', 'Done'),
      scopes: [],
      roles: [],
    },
  ],
};

export const secretTestProcedure: ProcedureModule = {
  procedure: { ...procedure, requiredScopes: requiredScopesOf(procedure.steps) },
  logic: { checks: {}, actions, waits: {}, textParams: () => ({}) },
};
