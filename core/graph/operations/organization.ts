/** The organization (tenant) object: its country, for a new account's usage location (C). */
import { operation } from '../operation.js';
import { selectOf, shape, type Shaped } from '../shape.js';

const ORGANIZATION = shape({
  id: 'id',
  displayName: 'string',
  /** ISO 3166 two-letter code of the tenant's country: a new account's default usage location. */
  countryLetterCode: 'string',
  verifiedDomains: { list: { name: 'string', isDefault: 'boolean', isInitial: 'boolean' } },
});
export type Organization = Shaped<typeof ORGANIZATION>;

export const organizationOperations = {
  /** Graph answers a collection of one: the signed-in user's tenant. */
  getOrganization: operation<[], Organization>({
    resource: 'organization',
    method: 'GET',
    path: '/organization',
    select: selectOf(ORGANIZATION),
    paging: 'all',
    permission: 'User.Read',
    permissionNote:
      "The map's least privileged delegated scope for GET /organization is User.Read: any signed-in user reads " +
      'the basic properties of their own organization (country, verified domains).',
    roles: { kind: 'anyUser' },
    purpose: 'C: the tenant’s country (default usage location of the service account)',
    example: [],
    request: () => ({}),
    read: (body, answer) => {
      const [first] = answer.items(body);
      if (first === undefined) return answer.fail('no organization in the answer');
      return answer.shape(ORGANIZATION, first);
    },
  }),
};
