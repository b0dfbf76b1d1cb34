// MEMORY_DEVICE_SIZE_CHANGE on the wire: what tsvirtd sends a client registered for the event id
// decodes, with libvirt's generated codec, to remote_domain_event_memory_device_size_change_msg
// as libvirtd sends it (callback id, domain, alias, size in KiB). No guest OS runs here to plug
// virtio-mem blocks, so QEMU never raises the event by itself (driver-qemu's memdev-events test
// feeds its handler); this checks the daemon's half of the path.
import { describe, expect, it } from 'vitest';
import { DomainEventID } from '@tsvirt/api';
import { decodeEvent, decodeFrame, remote } from '@tsvirt/remote/protocol';
import { DOMAIN_EVENT_MESSAGES } from '../src/dispatch/domain-event-messages.js';
import { uuidBytes } from '../src/dispatch/wire-objects.js';

describe('MEMORY_DEVICE_SIZE_CHANGE through tsvirtd', () => {
  it('goes out as REMOTE_PROC_DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE with the callback id, alias and KiB', () => {
    const uuid = 'c7a5fdbd-edaf-9455-926a-d65c16db1809';
    const messages = DOMAIN_EVENT_MESSAGES.get(DomainEventID.MEMORY_DEVICE_SIZE_CHANGE)!;
    expect(messages.legacy).toBeUndefined();
    const sizes = [0n, 4096n, 2n ** 64n - 1n];
    for (const size of sizes) {
      const frame = decodeFrame(messages.callback(7, { eventID: 26, domain: { name: 'mem', uuid, id: 3 }, alias: 'virtiomem0', size }));
      expect(frame.header.proc).toBe(remote.REMOTE_PROC_DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE);
      expect(decodeEvent(frame.header, frame.payload)).toEqual({ callbackID: 7, dom: { name: 'mem', uuid: uuidBytes(uuid), id: 3 }, alias: 'virtiomem0', size });
    }
  });
});
