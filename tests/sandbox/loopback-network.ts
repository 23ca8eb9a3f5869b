import type { INetworkModule } from '@azure/msal-node';
import { httpsTrust } from '../../adapters/identity/https-trust.js';
import { createMsalNetworkModule } from '../../adapters/identity/msal-network.js';

/** MSAL's network module trusting the sandbox's self-made certificate: Sesame's own adapter, as in production. */
export function loopbackNetwork(caPem: string): INetworkModule {
  return createMsalNetworkModule({ trust: httpsTrust({ caPem }) });
}
