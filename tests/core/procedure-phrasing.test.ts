import { matchProcedureText } from '../../core/procedures/catalog.js';

const A = 'vendor-guest-access';
const E = 'partner-center-registration';
const B = 'client-collaboration-account';
const B_OR_E = 'B or E';
const D = 'domain-and-provisioning';
const C = 'email-service-account';
const BOTH = 'both';

/**
 * How admins actually ask, in French and English, with and without accents, in any word order, with the
 * vendor's name alone or misspelled. Each reaches the right procedure, or a disambiguation card when two fit.
 */
const PHRASINGS: readonly (readonly [string, string])[] = [
  // Procedure A — Cegid Loop guest access
  ['accès invité Cegid Loop', A],
  ['acces invite cegid loop', A],
  ['ACCÈS INVITÉ', A],
  ['Cegid', A],
  ['cegid loop', A],
  ['Loop Cegid', A],
  ['onloop', A],
  ['OnLoop', A],
  ['je veux donner accès à Cegid Loop', A],
  ['Je voudrais inviter Cegid Loop comme invité', A],
  ['configurer l’accès de Cegid', A],
  ['GED Loop', A],
  ['Cegid Loop guest access', A],
  ['guest access for Cegid Loop please', A],
  ['add Cegid Loop as a guest', A],
  ['I need to set up Cegid Loop', A],
  ['cegdi loop', A], // two letters swapped
  ['segid loop', A],
  ['cegide', A],
  ['Cégid Lopp', A],
  ['invite vendor', A],
  ['inviter un fournisseur', A],
  // Procedure E — Microsoft Collaborate / Partner Center
  ['Microsoft Collaborate', E],
  ['collaborate', E],
  ['colaborate', E],
  ['Partner Center', E],
  ['partner centre', E],
  ['parnter center', E],
  ['partnercenter', E],
  ['Espace partenaires', E],
  ['espace partenaire microsoft', E],
  ['inscription Microsoft Collaborate', E],
  ['Je dois m’inscrire sur l’Espace partenaires', E],
  ['register for Microsoft Collaborate', E],
  ['Collaborate registration please', E],
  ['MS Collaborate', E],
  ['rejoindre un engagement Collaborate', E],
  ['Microsoft Collaborer', E],
  ['how do I sign up to Partner Center', E],
  // Procedure B — the client's Microsoft account for Cegid Loop's collaborative offers, and the vendor's consent
  ['compte Microsoft client Cegid Loop', B],
  ['compte Microsoft du client', B],
  ['consentement Cegid', B],
  ['consentement Cegid Loop', B],
  ['offre collaborative', B],
  ['offres collaboratives Cegid Loop', B],
  ['Cegid Loop collaboratif', B],
  ['compte Microsoft gratuit pour un client', B],
  ['le client a besoin d’un compte Microsoft', B],
  ['compte MSA', B],
  ['consentement administrateur', B],
  ['client Microsoft account', B],
  ['free Microsoft account for my client', B],
  ['Cegid Loop collaborative offer', B],
  ['admin consent for Cegid Loop', B],
  // Procedure D — verified domain and automatic provisioning (GoTo / LogMeIn)
  ['GoTo', D],
  ['LogMeIn', D],
  ['logmein', D],
  ['GoTo Meeting', D],
  ['gotomeeting', D],
  ['GoToWebinar', D],
  ['provisionnement automatique', D],
  ['approvisionnement automatique des utilisateurs', D],
  ['configurer l’approvisionnement automatique pour GoTo', D],
  ['provisionnement LogMeIn', D],
  ['vérifier un domaine', D],
  ['verifier un domaine', D],
  ['ajouter un domaine', D],
  ['je dois vérifier notre domaine pour LogMeIn', D],
  ['automatic provisioning', D],
  ['set up automatic user provisioning to GoTo', D],
  ['verify a domain', D],
  ['domain verification', D],
  ['logmien', D], // two letters swapped
  // Procedure C — the email-integration service account (Indio)
  ['compte de service Indio', C],
  ['compte de service pour Indio', C],
  ['créer le compte de service d’Indio', C],
  ['Indio', C],
  ['indio', C],
  ['Indoi', C], // two letters swapped
  ['boîte mail d’intégration', C],
  ['boite mail d integration', C],
  ['boîte aux lettres d’intégration Indio', C],
  ['intégration des courriels', C],
  ['intégration e-mail Indio', C],
  ['compte de service messagerie', C],
  ['service account for Indio', C],
  ['Indio service account', C],
  ['email integration account', C],
  ['set up the email integration for Indio', C],
  ['mailbox for Indio', C],
  // Both could fit: Sesame asks which
  ['inviter Cegid Loop dans Microsoft Collaborate', BOTH],
  ['Cegid sur Partner Center', BOTH],
  ['guest access Partner Center', BOTH],
  ['consent Cegid Loop app in Partner Center', B_OR_E],
];

describe('what admins type reaches the right procedure', () => {
  it('has at least 15 phrasings of each of A, B, C, D and E, in French and English', () => {
    expect(PHRASINGS.filter(([, p]) => p === C).length).toBeGreaterThanOrEqual(15);
    expect(PHRASINGS.filter(([, p]) => p === D).length).toBeGreaterThanOrEqual(15);
    expect(PHRASINGS.filter(([, p]) => p === A).length).toBeGreaterThanOrEqual(15);
    expect(PHRASINGS.filter(([, p]) => p === B).length).toBeGreaterThanOrEqual(15);
    expect(PHRASINGS.filter(([, p]) => p === E).length).toBeGreaterThanOrEqual(15);
  });

  it.each(PHRASINGS)('"%s" → %s', (text, expected) => {
    const match = matchProcedureText(text);
    if (expected === BOTH || expected === B_OR_E) {
      expect(match.kind).toBe('several');
      if (match.kind === 'several')
        expect(match.modules.map((m) => m.procedure.id).sort()).toEqual(expected === BOTH ? [E, A] : [B, E]);
    } else {
      expect(match.kind === 'one' ? match.module.procedure.id : match).toBe(expected);
    }
  });

  it.each(['', 'hello', 'bonjour', 'create a service account', 'look at this', 'merci'])(
    'names no procedure in "%s"',
    (text) => {
      expect(matchProcedureText(text).kind).toBe('none');
    },
  );
});
