import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';

/**
 * The LXC driver answers `lxc:///` so that the URI resolves to this package, but provides no entry
 * points yet: every call on the connection fails with libvirt's NO_SUPPORT error naming the API.
 */
export const driver = {
  name: 'LXC',
  schemes: ['lxc'],
  localOnly: true,
  async open(ctx): Promise<DriverConnection | 'declined'> {
    if (ctx.uri.driver !== 'lxc') return 'declined';
    return { hypervisor: {}, uri: 'lxc:///system', close: async () => undefined };
  },
} satisfies ConnectionDriver;
