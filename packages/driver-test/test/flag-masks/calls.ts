import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NetworkUpdateCommand, NetworkUpdateSection, typedBoolean, typedInt, typedString, typedUInt, typedULLong,
  type Connection, type Domain, type DomainCheckpoint, type DomainSnapshot, type Network, type StoragePool, type StorageVol,
} from '@tsvirt/api';
import { KeycodeSet } from '@tsvirt/util/keycodes';

/** One entry point called with `flags` on objects made afresh for the call; the names are record.py's. */
export type Call = (conn: Connection, flags: number) => Promise<unknown>;

let n = 0;
const uid = (): string => `${process.pid}-${++n}`;
const tmp = tmpdir();

const domXML = (name: string): string => `<domain type='test'><name>${name}</name><memory>1048576</memory><vcpu>2</vcpu>
<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/guest/d'/><target dev='vda' bus='virtio'/></disk>
<interface type='user'><mac address='52:54:00:00:00:01'/></interface><memballoon model='virtio'/></devices></domain>`;
const netXML = (name: string): string => `<network><name>${name}</name><bridge name='fmbr${n}'/><ip address='10.${n % 250}.0.1' netmask='255.255.255.0'/></network>`;
const poolXML = (name: string): string => `<pool type='dir'><name>${name}</name><target><path>/fm/${name}</path></target></pool>`;
const volXML = (): string => `<volume><name>v${uid()}</name><capacity>1024</capacity></volume>`;

const domOff = (c: Connection): Promise<Domain> => c.defineXML(domXML(`fm${uid()}`));
async function domOn(c: Connection): Promise<Domain> {
  const d = await domOff(c);
  await d.create();
  return d;
}
const snap = async (c: Connection): Promise<DomainSnapshot> => (await domOn(c)).snapshotCreateXML('<domainsnapshot/>');
const checkpoint = async (c: Connection): Promise<DomainCheckpoint> => (await domOn(c)).checkpointCreateXML('<domaincheckpoint/>');
async function saved(c: Connection): Promise<string> {
  const path = join(tmp, `flag-masks-save-${uid()}`);
  await (await domOn(c)).save(path);
  return path;
}
const netOff = (c: Connection): Promise<Network> => c.networkDefineXML(netXML(`fm${uid()}`));
async function netOn(c: Connection): Promise<Network> {
  const net = await netOff(c);
  await net.create();
  return net;
}
const poolOff = (c: Connection): Promise<StoragePool> => c.storagePoolDefineXML(poolXML(`fm${uid()}`));
async function poolOn(c: Connection): Promise<StoragePool> {
  const p = await poolOff(c);
  await p.create();
  return p;
}
async function vol(c: Connection): Promise<{ pool: StoragePool; vol: StorageVol }> {
  const pool = await poolOn(c);
  return { pool, vol: await pool.createXML(volXML()) };
}
const ifaceOff = (c: Connection) => c.interfaceDefineXML(`<interface type='ethernet' name='fm${uid()}'><start mode='onboot'/></interface>`);
async function ifaceOn(c: Connection) {
  const i = await ifaceOff(c);
  await i.create();
  return i;
}
const nodedev = (c: Connection) => c.nodeDeviceLookupByName('scsi_host1');
const CPU = '<cpu><arch>x86_64</arch><model>Nehalem</model></cpu>';
const DISK = "<disk type='file'><source file='/guest/d'/><target dev='vda'/></disk>";

/** Calls on a fresh domain: running, or shut off. */
const on = (f: (d: Domain, flags: number) => Promise<unknown>): Call => async (c, flags) => f(await domOn(c), flags);
const off = (f: (d: Domain, flags: number) => Promise<unknown>): Call => async (c, flags) => f(await domOff(c), flags);
const onSnap = (f: (s: DomainSnapshot, flags: number) => Promise<unknown>): Call => async (c, flags) => f(await snap(c), flags);
const onCp = (f: (s: DomainCheckpoint, flags: number) => Promise<unknown>): Call => async (c, flags) => f(await checkpoint(c), flags);
const onSaved = (f: (c: Connection, path: string, flags: number) => Promise<unknown>): Call => async (c, flags) => f(c, await saved(c), flags);

export const DOMAIN_CALLS: Record<string, Call> = {
  domainCreate: off((d, f) => d.create(f)),
  domainDestroy: on((d, f) => d.destroy(f)),
  domainShutdown: on((d, f) => d.shutdown(f)),
  domainReboot: on((d, f) => d.reboot(f)),
  domainReset: on((d, f) => d.reset(f)),
  domainInjectNMI: on((d, f) => d.injectNMI(f)),
  domainSendKey: on((d, f) => d.sendKey(KeycodeSet.LINUX, 0, [30], f)),
  domainUndefine: off((d, f) => d.undefine(f)),
  domainGetXMLDesc: on((d, f) => d.getXMLDesc(f)),
  domainGetState: on((d, f) => d.getState(f)),
  domainHasManagedSaveImage: off((d, f) => d.hasManagedSaveImage(f)),
  domainAttachDevice: on((d, f) => d.attachDeviceFlags("<disk type='file'><source file='/x'/><target dev='vdz'/></disk>", f)),
  domainDetachDevice: on((d, f) => d.detachDeviceFlags(DISK, f)),
  domainUpdateDevice: on((d, f) => d.updateDeviceFlags(DISK, f)),
  domainGetBlockInfo: on((d, f) => d.blockInfo('vda', f)),
  domainSetMemoryFlags: on((d, f) => d.setMemoryFlags(1024, f)),
  domainSetVcpusFlags: on((d, f) => d.setVcpusFlags(1, f)),
  domainGetVcpusFlags: on((d, f) => d.vcpusFlags(f)),
  domainGetVcpuPinInfo: on((d, f) => d.vcpuPinInfo(f)),
  domainPinVcpuFlags: on((d, f) => d.pinVcpuFlags(0, [true], f)),
  domainGetCPUStats: on((d, f) => d.getCPUStats(-1, 1, f)),
  domainGetSchedulerParameters: on((d, f) => d.schedulerParameters(f)),
  domainSetSchedulerParameters: on((d, f) => d.setSchedulerParameters([typedUInt('weight', 100)], f)),
  domainGetMemoryParameters: on((d, f) => d.memoryParameters(f)),
  domainSetMemoryParameters: on((d, f) => d.setMemoryParameters([typedULLong('hard_limit', 2097152n)], f)),
  domainGetBlkioParameters: on((d, f) => d.blkioParameters(f)),
  domainSetBlkioParameters: on((d, f) => d.setBlkioParameters([typedUInt('weight', 500)], f)),
  domainGetNumaParameters: on((d, f) => d.numaParameters(f)),
  domainSetNumaParameters: on((d, f) => d.setNumaParameters([typedInt('numa_mode', 0)], f)),
  domainGetPerfEvents: on((d, f) => d.perfEvents(f)),
  domainSetPerfEvents: on((d, f) => d.setPerfEvents([typedBoolean('cmt', true)], f)),
  domainSetMemoryStatsPeriod: on((d, f) => d.setMemoryStatsPeriod(5, f)),
  domainGetTime: on((d, f) => d.getTime(f)),
  domainSetTime: on((d, f) => d.setTime({ seconds: 10n, nseconds: 0 }, f)),
  domainGetHostname: on((d, f) => d.getHostname(f)),
  domainGetControlInfo: on((d, f) => d.controlInfo(f)),
  domainGetDiskErrors: on((d, f) => d.diskErrors(f)),
  domainGetIOThreadInfo: on((d, f) => d.ioThreadInfo(f)),
  domainAddIOThread: on((d, f) => d.addIOThread(7, f)),
  domainDelIOThread: on((d, f) => d.delIOThread(1, f)),
  domainPinIOThread: on((d, f) => d.pinIOThread(1, [true], f)),
  domainSetIOThreadParams: on((d, f) => d.setIOThreadParams(1, [typedULLong('poll_max_ns', 10n)], f)),
  domainGetJobStats: on((d, f) => d.getJobStats(f)),
  domainAbortJob: on((d, f) => d.abortJob(f)),
  domainMigrateGetMaxDowntime: on((d, f) => d.migrateGetMaxDowntime(f)),
  domainMigrateSetMaxDowntime: on((d, f) => d.migrateSetMaxDowntime(10n, f)),
  domainMigrateGetCompressionCache: on((d, f) => d.migrateGetCompressionCache(f)),
  domainMigrateSetCompressionCache: on((d, f) => d.migrateSetCompressionCache(10n, f)),
  domainMigrateGetMaxSpeed: on((d, f) => d.migrateGetMaxSpeed(f)),
  domainMigrateSetMaxSpeed: on((d, f) => d.migrateSetMaxSpeed(10n, f)),
  domainMigrateStartPostCopy: on((d, f) => d.migrateStartPostCopy(f)),
  domainGetGuestVcpus: on((d, f) => d.getGuestVcpus(f)),
  domainSetGuestVcpus: on((d, f) => d.setGuestVcpus('0', true, f)),
  domainGetGuestInfo: on((d, f) => d.getGuestInfo(0, f)),
  domainStartDirtyRateCalc: on((d, f) => d.startDirtyRateCalc(1, f)),
  domainAgentSetResponseTimeout: on((d, f) => d.agentSetResponseTimeout(5, f)),
  domainPMWakeup: on((d, f) => d.pmWakeup(f)),
  domainPMSuspendForDuration: on((d, f) => d.pmSuspendForDuration(0, 0n, f)),
  domainSave: on((d, f) => d.save(join(tmp, `flag-masks-s-${uid()}`), undefined, f)),
  domainManagedSave: on((d, f) => d.managedSave(f)),
  domainManagedSaveRemove: off((d, f) => d.managedSaveRemove(f)),
  domainGetMessages: on((d, f) => d.getMessages(f)),
  domainRename: off((d, f) => d.rename(`fmr${uid()}`, f)),
  domainSetMetadata: on((d, f) => d.setMetadata(0, 'desc', undefined, undefined, f)),
  domainGetMetadata: on((d, f) => d.metadata(0, undefined, f)),
  domainSnapshotCreateXML: on((d, f) => d.snapshotCreateXML('<domainsnapshot/>', f)),
  domainListAllSnapshots: on((d, f) => d.listAllSnapshots(f)),
  domainSnapshotLookupByName: onSnap((s, f) => s.getDomain().snapshotLookupByName(s.getName(), f)),
  domainHasCurrentSnapshot: on((d, f) => d.hasCurrentSnapshot(f)),
  domainSnapshotCurrent: onSnap((s, f) => s.getDomain().snapshotCurrent(f)),
  domainCheckpointCreateXML: on((d, f) => d.checkpointCreateXML('<domaincheckpoint/>', f)),
  domainListAllCheckpoints: on((d, f) => d.listAllCheckpoints(f)),
  domainCheckpointLookupByName: onCp((cp, f) => cp.getDomain().checkpointLookupByName(cp.getName(), f)),
  domainBackupBegin: on((d, f) => d.backupBegin('<domainbackup/>', undefined, f)),
  domainBackupGetXMLDesc: on((d, f) => d.backupGetXMLDesc(f)),
  domainSnapshotGetXMLDesc: onSnap((s, f) => s.getXMLDesc(f)),
  domainSnapshotGetParent: onSnap((s, f) => s.getParent(f)),
  domainSnapshotListAllChildren: onSnap((s, f) => s.listAllChildren(f)),
  domainSnapshotIsCurrent: onSnap((s, f) => s.isCurrent(f)),
  domainSnapshotHasMetadata: onSnap((s, f) => s.hasMetadata(f)),
  domainRevertToSnapshot: onSnap((s, f) => s.revert(f)),
  domainSnapshotDelete: onSnap((s, f) => s.delete(f)),
  domainCheckpointGetXMLDesc: onCp((cp, f) => cp.getXMLDesc(f)),
  domainCheckpointGetParent: onCp((cp, f) => cp.getParent(f)),
  domainCheckpointListAllChildren: onCp((cp, f) => cp.listAllChildren(f)),
  domainCheckpointDelete: onCp((cp, f) => cp.delete(f)),
  domainSendProcessSignal: on((d, f) => d.sendProcessSignal(1, 0, f)),
  domainSetLifecycleAction: on((d, f) => d.setLifecycleAction(0, 0, f)),
  domainSetVcpu: on((d, f) => d.setVcpu('1', false, f)),
  domainDetachDeviceAlias: on((d, f) => d.detachDeviceAlias('ua-x', f)),
  domainFDAssociate: on((d, f) => d.fdAssociate('g', [0], f)),
  domainGetEmulatorPinInfo: on((d, f) => d.emulatorPinInfo(f)),
  domainPinEmulator: on((d, f) => d.pinEmulator([true], f)),
  domainGetBlockIoTune: on((d, f) => d.blockIoTune('vda', f)),
  domainSetBlockIoTune: on((d, f) => d.setBlockIoTune('vda', [typedULLong('total_iops_sec', 1n)], f)),
  domainGetInterfaceParameters: on((d, f) => d.interfaceParameters('52:54:00:00:00:01', f)),
  domainSetInterfaceParameters: on((d, f) => d.setInterfaceParameters('52:54:00:00:00:01', [typedUInt('inbound.average', 10)], f)),
  domainGetLaunchSecurityInfo: on((d, f) => d.launchSecurityInfo(f)),
  domainSetLaunchSecurityState: on((d, f) => d.setLaunchSecurityState([typedString('sev-secret', 'eA==')], f)),
};

export const CONNECT_CALLS: Record<string, Call> = {
  connectGetSysinfo: (c, f) => c.getSysinfo(f),
  connectListAllDomains: (c, f) => c.listAllDomains(f),
  connectGetAllDomainStats: (c, f) => c.getAllDomainStats(0, f),
  domainDefineXML: (c, f) => c.defineXML(domXML(`fmd${uid()}`), f),
  domainCreateXML: (c, f) => c.createXML(domXML(`fmc${uid()}`), f),
  domainRestore: onSaved((c, p, f) => c.restore(p, undefined, f)),
  domainSaveImageGetXMLDesc: onSaved((c, p, f) => c.saveImageGetXMLDesc(p, f)),
  domainSaveImageDefineXML: onSaved(async (c, p, f) => c.saveImageDefineXML(p, await c.saveImageGetXMLDesc(p), f)),
  connectGetCPUModelNames: (c, f) => c.getCPUModelNames('x86_64', f),
  connectBaselineCPU: (c, f) => c.baselineCPU([CPU], f),
  connectCompareCPU: (c, f) => c.compareCPU(CPU, f),
  nodeGetCPUStats: (c, f) => c.getCPUStats(-1, f),
  nodeGetMemoryStats: (c, f) => c.getMemoryStats(-1, f),
  nodeGetCPUMap: (c, f) => c.getCPUMap(f),
  nodeGetFreePages: (c, f) => c.getFreePages([4], 0, 1, f),
  nodeAllocPages: (c, f) => c.allocPages([4], [1n], 0, 1, f),
  nodeGetMemoryParameters: (c, f) => c.getMemoryParameters(f),
  nodeSetMemoryParameters: (c, f) => c.setMemoryParameters([typedUInt('shm_pages_to_scan', 10)], f),
  nodeSuspendForDuration: (c, f) => c.suspendForDuration(0, 60n, f),
  nodeGetSEVInfo: (c, f) => c.getSEVInfo(f),
  connectListAllNetworks: (c, f) => c.listAllNetworks(f),
  networkDefineXML: (c, f) => c.networkDefineXML(netXML(`fm${uid()}`), f),
  networkCreateXML: (c, f) => c.networkCreateXML(netXML(`fm${uid()}`), f),
  connectListAllInterfaces: (c, f) => c.listAllInterfaces(f),
  interfaceDefineXML: (c, f) => c.interfaceDefineXML(`<interface type='ethernet' name='fmi${uid()}'/>`, f),
  interfaceChangeBegin: (c, f) => c.changeBegin(f),
  interfaceChangeCommit: (c, f) => c.changeCommit(f),
  interfaceChangeRollback: (c, f) => c.changeRollback(f),
  connectListAllNodeDevices: (c, f) => c.listAllDevices(f),
  nodeDeviceLookupSCSIHostByWWN: (c, f) => c.nodeDeviceLookupSCSIHostByWWN('2000000012341234', '1000000012341234', f),
  nodeDeviceCreateXML: (c, f) => c.nodeDeviceCreateXML(
    "<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'/></capability></device>", f),
  nodeDeviceDefineXML: (c, f) => c.nodeDeviceDefineXML("<device><capability type='system'/></device>", f),
  connectListAllStoragePools: (c, f) => c.listAllStoragePools(f),
  storagePoolDefineXML: (c, f) => c.storagePoolDefineXML(poolXML(`fm${uid()}`), f),
  storagePoolCreateXML: (c, f) => c.storagePoolCreateXML(poolXML(`fm${uid()}`), f),
  connectFindStoragePoolSources: (c, f) => c.findStoragePoolSources('logical', undefined, f),
  connectGetStoragePoolCapabilities: (c, f) => c.getStoragePoolCapabilities(f),
  connectListAllSecrets: (c, f) => c.listAllSecrets(f),
  secretDefineXML: (c, f) => c.secretDefineXML('<secret/>', f),
  connectListAllNWFilters: (c, f) => c.listAllNWFilters(f),
  nwfilterDefineXML: (c, f) => c.nwfilterDefineXML("<filter name='x'/>", f),
  connectListAllNWFilterBindings: (c, f) => c.listAllNWFilterBindings(f),
  connectDomainXMLFromNative: (c, f) => c.domainXMLFromNative('qemu-argv', 'qemu-system-x86_64', f),
  connectDomainXMLToNative: (c, f) => c.domainXMLToNative('qemu-argv', domXML('fmn'), f),
};

export const OBJECT_CALLS: Record<string, Call> = {
  networkGetXMLDesc: async (c, f) => (await netOn(c)).getXMLDesc(f),
  networkUpdate: async (c, f) => (await netOn(c)).update(NetworkUpdateCommand.ADD_LAST, NetworkUpdateSection.DNS_HOST, -1,
    "<host ip='10.0.0.9'><hostname>h</hostname></host>", f),
  networkGetDHCPLeases: async (c, f) => (await netOn(c)).getDHCPLeases(undefined, f),
  networkListAllPorts: async (c, f) => (await netOn(c)).listAllPorts(f),
  networkPortCreateXML: async (c, f) => (await netOn(c)).portCreateXML("<networkport><plug type='direct' dev='eth0'/></networkport>", f),
  interfaceCreate: async (c, f) => (await ifaceOff(c)).create(f),
  interfaceDestroy: async (c, f) => (await ifaceOn(c)).destroy(f),
  interfaceGetXMLDesc: async (c, f) => (await ifaceOn(c)).getXMLDesc(f),
  nodeDeviceGetXMLDesc: async (c, f) => (await nodedev(c)).getXMLDesc(f),
  nodeDeviceDetachFlags: async (c, f) => (await nodedev(c)).detachFlags(undefined, f),
  nodeDeviceCreate: async (c, f) => (await nodedev(c)).create(f),
  nodeDeviceUndefine: async (c, f) => (await nodedev(c)).undefine(f),
  storagePoolBuild: async (c, f) => (await poolOff(c)).build(f),
  storagePoolCreate: async (c, f) => (await poolOff(c)).create(f),
  storagePoolDelete: async (c, f) => (await poolOff(c)).delete(f),
  storagePoolRefresh: async (c, f) => (await poolOn(c)).refresh(f),
  storagePoolGetXMLDesc: async (c, f) => (await poolOn(c)).getXMLDesc(f),
  storagePoolListAllVolumes: async (c, f) => (await poolOn(c)).listAllVolumes(f),
  storageVolCreateXML: async (c, f) => (await poolOn(c)).createXML(volXML(), f),
  storageVolCreateXMLFrom: async (c, f) => {
    const v = await vol(c);
    return v.pool.createXMLFrom(volXML(), v.vol, f);
  },
  storageVolDelete: async (c, f) => (await vol(c)).vol.delete(f),
  storageVolGetXMLDesc: async (c, f) => (await vol(c)).vol.getXMLDesc(f),
  storageVolGetInfoFlags: async (c, f) => (await vol(c)).vol.getInfoFlags(f),
  storageVolWipe: async (c, f) => (await vol(c)).vol.wipe(f),
  storageVolWipePattern: async (c, f) => (await vol(c)).vol.wipePattern(0, f),
  storageVolResize: async (c, f) => (await vol(c)).vol.resize(2048n, f),
  storageVolDownload: async (c, f) => (await vol(c)).vol.download(0n, 0n, f),
  storageVolUpload: async (c, f) => (await vol(c)).vol.upload((async function* () {})(), 0n, 0n, f),
};

export const CALLS: Record<string, Call> = { ...CONNECT_CALLS, ...DOMAIN_CALLS, ...OBJECT_CALLS };
