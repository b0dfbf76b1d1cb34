import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';

/**
 * The network secondary driver. It provides no entry points yet and so declines every URI:
 * network calls on a connection then fail with libvirt's NO_SUPPORT error naming the API.
 */
export const driver = {
  name: 'Network',
  schemes: [],
  localOnly: true,
  async open(): Promise<DriverConnection | 'declined'> {
    return 'declined';
  },
} satisfies ConnectionDriver;
