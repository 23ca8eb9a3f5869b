import { evaluateFilter, parseFilter } from '../../sandbox/graph/odata/filter.js';

const alice = {
  displayName: "O'Brien Alice",
  mail: 'alice@cegid.com',
  userType: 'Guest',
  accountEnabled: true,
  onPremisesSyncEnabled: null,
  createdDateTime: '2026-01-15T10:00:00Z',
  otherMails: ['a.obrien@cegid.com', 'alice@perso.fr'],
  assignedLicenses: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', disabledPlans: [] }],
  externalUserState: 'PendingAcceptance',
};

const matches = (f: string): boolean => evaluateFilter(parseFilter(f), alice);

describe('OData $filter parser and evaluator', () => {
  it.each([
    ["mail eq 'alice@cegid.com'", true],
    ["mail eq 'ALICE@CEGID.COM'", true],
    ["mail ne 'alice@cegid.com'", false],
    ["displayName eq 'O''Brien Alice'", true],
    ["startswith(displayName,'o''brien')", true],
    ["endswith(mail,'@cegid.com')", true],
    ["endswith(mail,'@indio.fr')", false],
    ["userType in ('Member','Guest')", true],
    ["userType in ('Member')", false],
    ['accountEnabled eq true', true],
    ['accountEnabled eq false', false],
    ['onPremisesSyncEnabled eq null', true],
    ['onPremisesSyncEnabled ne true', true],
    ['createdDateTime ge 2026-01-01T00:00:00Z', true],
    ['createdDateTime lt 2026-01-01T00:00:00Z', false],
    ['createdDateTime le 2026-01-15T10:00:00Z and createdDateTime gt 2026-01-15T09:59:59.5Z', true],
    ["not(userType eq 'Member')", true],
    ["not startswith(mail,'bob')", true],
    ["not (userType eq 'Guest')", false],
    ["userType eq 'Member' or userType eq 'Guest' and accountEnabled eq false", false],
    ["(userType eq 'Member' or userType eq 'Guest') and accountEnabled eq true", true],
    ["userType eq 'Guest' or userType eq 'Member' and accountEnabled eq false", true],
    ["otherMails/any(x: x eq 'alice@perso.fr')", true],
    ["otherMails/any(x:startswith(x,'zzz'))", false],
    ['assignedLicenses/any(a: a/skuId eq 05e9a617-0261-4cee-bb44-138d3ef5d965)', true],
    ["assignedLicenses/any(a: a/skuId eq '05e9a617-0261-4cee-bb44-138d3ef5d965')", true],
    ['assignedLicenses/any(a: a/skuId eq f245ecc8-75af-4f8e-b61f-27d8114de5f3)', false],
    ["otherMails/all(x: endswith(x,'.com'))", false],
    ["startswith(mail,'alice') eq true", true],
    ["externalUserState eq 'PendingAcceptance' and createdDateTime le 2026-11-01T00:00:00Z", true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('gives and precedence over or', () => {
    expect(parseFilter("a eq 'x' or b eq 'y' and c eq 'z'")).toMatchObject({
      kind: 'or',
      right: { kind: 'and' },
    });
  });

  it.each([
    '',
    "mail eq 'unterminated",
    'mail eq',
    "mail equals 'x'",
    "mail eq 'x' and",
    "(mail eq 'x'",
    "mail eq 'x')",
    "foo(mail,'x')",
    'startswith(mail)',
    "otherMails/any(x x eq 'a')",
    "otherMails/some(x: x eq 'a')",
    "mail eq 'a' 'b'",
    'mail eq #',
    "eq 'x'",
    "userType in 'Guest'",
    'mail eq mail2',
    "not userType eq 'Guest'",
  ])('refuses the malformed filter %p', (filter) => {
    expect(() => parseFilter(filter)).toThrow(/Syntax error|empty|Unterminated|literal/);
  });
});
