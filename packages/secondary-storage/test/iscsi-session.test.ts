import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, SecretUsageType, StorageVolType, VirError, type SecretDriver } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { embedRootForFile, loopDeviceOrSkip, removeLoopDevice, stubTables } from './helpers.js';

const MiB = 1024 * 1024;
const root = embedRootForFile();
const PORTAL = '10.20.30.40:3260,1';
const TARGET = 'iqn.2004-06.example:example1:iscsi.test';
const INITIATOR = 'iqn.2004-06.example:example1:initiator';
const SECRET_UUID = '10ed4ad4-c7b0-4696-b574-b40e04fea84b';
// sendtargets discovery of the portal as libvirt's viriscsitest answers it.
const SENDTARGETS = ['iqn.2004-06.example:example1:iscsi.test', 'iqn.2005-05.example:example1:iscsi.hello'];

/**
 * An `iscsiadm` on PATH that answers as open-iscsi's does for one target (viriscsitest's outputs):
 * no session until a login, then session 1; interfaces made with `--op new`/`--op update` are
 * listed; every call is recorded. The LUNs of the session's SCSI host 7 are in a fake sysfs tree.
 */
function fakeInitiator(base: string): { calls: () => string[]; dropSession: () => void } {
  const bin = join(base, 'bin');
  const state = join(base, 'iscsi-state');
  mkdirSync(bin, { recursive: true });
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'ifaces'), 'default tcp,<empty>,<empty>,<empty>,<empty>\n');
  writeFileSync(join(bin, 'iscsiadm'), `#!/bin/sh
s=${state}
echo "$*" >> $s/calls
case "$*" in
  "--mode session") [ -e $s/in ] || { echo "iscsiadm: No active sessions." >&2; exit 21; }
    echo "tcp: [1] ${PORTAL} ${TARGET} (non-flash)" ;;
  "--mode iface") cat $s/ifaces ;;
  "--mode iface --interface "*" --op update --name iface.initiatorname --value "*) echo "$4 tcp,<empty>,<empty>,<empty>,\${10}" >> $s/ifaces ;;
  "--mode discovery"*) ${SENDTARGETS.map((t) => `echo "${PORTAL} ${t}"`).join('; ')} ;;
  *" --login"*) touch $s/in ;;
  *" --logout"*) rm -f $s/in ;;
esac
`);
  chmodSync(join(bin, 'iscsiadm'), 0o755);
  process.env['PATH'] = `${bin}:${process.env['PATH']}`;
  return {
    calls: () => (existsSync(join(state, 'calls')) ? readFileSync(join(state, 'calls'), 'utf8').trim().split('\n') : []),
    dropSession: () => rmSync(join(state, 'in'), { force: true }),
  };
}

/** A secret driver standing in for one: the iSCSI secret of libvirt's pool-iscsi-auth.xml. */
const chapSecret: SecretDriver = {
  secretLookupByUUID: async (uuid) => {
    if (uuid !== SECRET_UUID) throw new VirError(ErrorCode.NO_SECRET, `no secret with matching uuid '${uuid}'`, ErrorDomain.SECRET);
    return { uuid, usageType: SecretUsageType.ISCSI, usageID: 'libvirtiscsi' };
  },
  secretLookupByUsage: async () => {
    throw new VirError(ErrorCode.NO_SECRET, 'no secret', ErrorDomain.SECRET);
  },
  secretGetValue: async () => new TextEncoder().encode('chap-password'),
};

const savedPath = process.env['PATH'];
afterEach(() => {
  process.env['PATH'] = savedPath;
  delete process.env['TSVIRT_SYSFS_ROOT'];
  delete stubTables.secret;
});

describe('iscsi pools through iscsiadm (a stand-in initiator, libvirt\'s command lines)', { timeout: 60_000 }, () => {
  it('start makes the node record, sets CHAP, logs in through the initiator\'s interface; the session\'s LUNs are the volumes', async (ctx) => {
    const loop = loopDeviceOrSkip(ctx, root().root, 'iscsi-lun.img', 4 * MiB);
    if (!loop) return;
    try {
      const base = root().dir('iscsi');
      const initiator = fakeInitiator(base);
      const sys = join(base, 'sys');
      mkdirSync(join(sys, 'class/iscsi_session/session1/device/target7:0:0'), { recursive: true });
      mkdirSync(join(sys, `bus/scsi/devices/7:0:0:0/block/${basename(loop)}`), { recursive: true });
      writeFileSync(join(sys, 'bus/scsi/devices/7:0:0:0/type'), '0\n');
      const rdev = statSync(loop).rdev;
      mkdirSync(join(sys, `dev/block/${Math.floor(rdev / 256)}:${rdev % 256}`), { recursive: true });
      writeFileSync(join(sys, `dev/block/${Math.floor(rdev / 256)}:${rdev % 256}/size`), `${(4 * MiB) / 512}\n`);
      process.env['TSVIRT_SYSFS_ROOT'] = sys;
      stubTables.secret = chapSecret;

      const conn = root().conn;
      const pool = await conn.storagePoolDefineXML(`<pool type='iscsi'><name>lun</name><source><host name='10.20.30.40'/>` +
        `<device path='${TARGET}'/><initiator><iqn name='${INITIATOR}'/></initiator>` +
        `<auth type='chap' username='myname'><secret uuid='${SECRET_UUID}'/></auth></source><target><path>/dev</path></target></pool>`);
      await pool.create();
      const iface = /--interface (libvirt-iface-[0-9a-f]{8}) --op new/.exec(initiator.calls().join('\n'))?.[1];
      expect(initiator.calls()).toEqual([
        '--mode session',
        `--mode node --portal ${PORTAL} --targetname ${TARGET} --op new`,
        `--mode node --portal ${PORTAL} --target ${TARGET} --op update --name node.session.auth.authmethod --value CHAP`,
        `--mode node --portal ${PORTAL} --target ${TARGET} --op update --name node.session.auth.username --value myname`,
        `--mode node --portal ${PORTAL} --target ${TARGET} --op update --name node.session.auth.password --value chap-password`,
        '--mode iface',
        `--mode iface --interface ${iface} --op new`,
        `--mode iface --interface ${iface} --op update --name iface.initiatorname --value ${INITIATOR}`,
        '--mode iface',
        `--mode discovery --type sendtargets --portal ${PORTAL} --interface ${iface}`,
        `--mode node --portal ${PORTAL} --targetname ${TARGET} --login --interface ${iface}`,
      ]);

      expect(await pool.listVolumes()).toEqual(['unit:0:0:0']);
      const vol = await pool.storageVolLookupByName('unit:0:0:0');
      expect([vol.getKey(), await vol.getPath()]).toEqual([loop, loop]);
      expect(await vol.getInfo()).toEqual({ type: StorageVolType.BLOCK, capacity: BigInt(4 * MiB), allocation: BigInt(4 * MiB) });
      expect(await pool.getInfo()).toMatchObject({ capacity: BigInt(4 * MiB), allocation: BigInt(4 * MiB), available: 0n });

      const before = initiator.calls().length;
      await pool.refresh();
      expect(initiator.calls().slice(before)).toEqual(['--mode session', '--mode session -r 1 -R']);
      await pool.destroy();
      expect(initiator.calls().slice(before + 2)).toEqual(['--mode iface', `--mode node --portal ${PORTAL} --targetname ${TARGET} --logout --interface ${iface}`]);

      // A second start finds the interface: no discovery through it again.
      await pool.create();
      expect(initiator.calls().slice(before + 4).filter((c) => c.startsWith('--mode discovery') || c.includes('--op new'))).toEqual([
        `--mode node --portal ${PORTAL} --targetname ${TARGET} --op new`,
      ]);
      await pool.destroy();
      // Refreshing a pool whose session went away stops it, as libvirt's refresh does.
      await pool.create();
      initiator.dropSession();
      const gone = await virErrorOf(pool.refresh());
      expect([gone.code, gone.message]).toEqual([ErrorCode.INTERNAL_ERROR, `internal error: cannot find iscsiadm session: no session to target '${TARGET}'`]);
      expect(await pool.isActive()).toBe(false);
      await pool.undefine();

      const sources = await conn.findStoragePoolSources('iscsi', "<source><host name='10.20.30.40'/></source>");
      expect(sources).toBe(`<sources>\n${SENDTARGETS.map((t) => `  <source>\n    <host name='10.20.30.40' port='3260'/>\n    <device path='${t}'/>\n  </source>\n`).join('')}</sources>\n`);
      expect(initiator.calls().at(-1)).toBe(`--mode discovery --type sendtargets --portal ${PORTAL} --op nonpersistent`);
    } finally {
      removeLoopDevice(loop);
    }
  });

  it('CHAP needs its secret: a missing one, no secret driver, or another auth type fail the start before any login', async () => {
    const initiator = fakeInitiator(root().dir('iscsi-auth'));
    const conn = root().conn;
    const xml = (auth: string): string => `<pool type='iscsi'><name>auth</name><source><host name='10.20.30.40'/>` +
      `<device path='${TARGET}'/>${auth}</source><target><path>/dev</path></target></pool>`;
    const chap = `<auth type='chap' username='myname'><secret uuid='${SECRET_UUID}'/></auth>`;
    const noDriver = await virErrorOf(conn.storagePoolCreateXML(xml(chap)));
    expect([noDriver.code, noDriver.message]).toEqual([ErrorCode.OPERATION_UNSUPPORTED,
      `Operation not supported: cannot start iSCSI pool 'auth': this connection has no secret driver to read secret '${SECRET_UUID}' from`]);
    stubTables.secret = chapSecret;
    const missing = await virErrorOf(conn.storagePoolCreateXML(xml(chap.replace(SECRET_UUID, '00000000-0000-0000-0000-000000000000'))));
    expect([missing.code, missing.message]).toEqual([ErrorCode.NO_SECRET, "Secret not found: no secret with matching uuid '00000000-0000-0000-0000-000000000000'"]);
    const ceph = await virErrorOf(conn.storagePoolCreateXML(xml(`<auth type='ceph' username='myname'><secret uuid='${SECRET_UUID}'/></auth>`)));
    expect([ceph.code, ceph.message]).toEqual([ErrorCode.CONFIG_UNSUPPORTED, "unsupported configuration: iscsi pool only supports 'chap' auth type"]);
    expect(initiator.calls().filter((c) => c.includes('--login'))).toEqual([]);
    expect(await conn.listAllStoragePools()).toEqual([]);
  });
});
