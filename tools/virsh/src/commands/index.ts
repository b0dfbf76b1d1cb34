import type { CommandDef, CommandGroup } from '../vsh/command-def.js';
import { list } from './domain-list.js';
import { dominfo, domid, domname, domstate, domuuid } from './domain-info.js';
import { create, define, dumpxml, undefine } from './domain-xml.js';
import { destroy, reboot, reset, resume, shutdown, start, suspend } from './domain-lifecycle.js';
import { hostname, nodeinfo, uri, version } from './host.js';
import { cd, connectCommand, echo, exit, pwd, quit } from './virsh-itself.js';
import { makeHelp } from './help.js';
import { groupsInVirshOrder } from './command-groups.js';
import { poolList } from './pool-list.js';
import { findStoragePoolSources, findStoragePoolSourcesAs } from './pool-sources.js';
import { poolDumpxml, poolInfo, poolName, poolUUID } from './pool-info.js';
import { poolAutostart, poolBuild, poolDelete, poolDestroy, poolRefresh, poolStart, poolUndefine } from './pool-lifecycle.js';
import { poolCapabilities, poolCreate, poolCreateAs, poolDefine, poolDefineAs } from './pool-define.js';
import { volDumpxml, volInfo, volKey, volList, volName, volPath, volPool } from './volume-info.js';
import { volClone, volCreate, volCreateAs, volCreateFrom } from './volume-create.js';
import { volDelete, volResize, volWipe } from './volume-ops.js';
import { qemuMonitorCommand } from './qemu-monitor-command.js';
import { sharedDiskList } from './shared-disk-list.js';
import { capabilities, nodecpustats, nodememstats, sysinfo } from './host-stats.js';
import {
  ifaceBegin, ifaceCommit, ifaceDefine, ifaceDestroy, ifaceDumpxml, ifaceList, ifaceMac, ifaceName, ifaceRollback, ifaceStart, ifaceUndefine,
} from './interface.js';
import { netList } from './network-list.js';
import { netInfo, netName, netUUID } from './network-info.js';
import { netAutostart, netCreate, netDefine, netDestroy, netDumpxml, netStart, netUndefine } from './network-lifecycle.js';
import { netDhcpLeases } from './network-leases.js';
import { netUpdate } from './network-update.js';
import { netEvent, nodedevEvent } from './object-events.js';
import { nodedevAutostart, nodedevDestroy, nodedevDetach, nodedevReattach, nodedevReset, nodedevStart, nodedevUndefine } from './nodedev-ops.js';
import { nodedevDumpxml, nodedevInfo, nodedevList } from './nodedev.js';
import { setvcpus, vcpucount, vcpuinfo, vcpupin } from './domain-vcpus.js';
import { setmaxmem, setmem } from './domain-memory.js';
import { attachDevice, attachDisk, attachInterface, detachDevice, detachDisk, detachInterface, updateDevice } from './domain-devices.js';
import { domblkinfo, domblklist, domblkstat, domiflist, domifstat } from './domain-stats.js';
import { cpuStats } from './domain-cpu-stats.js';
import { schedinfo } from './domain-schedinfo.js';
import { domblkerror, domcontrol, domhostname, dommemstat, domtime } from './domain-guest-facts.js';
import { domjobabort, domjobinfo } from './domain-jobs.js';
import {
  migrateCompcache, migrateGetmaxdowntime, migrateGetspeed, migratePostcopy, migrateSetmaxdowntime, migrateSetspeed,
} from './domain-migrate-tunables.js';
import { domdirtyrateCalc, dompmsuspend, dompmwakeup, guestAgentTimeout, guestinfo, guestvcpus } from './domain-guest-agent.js';
import { iothreadadd, iothreaddel, iothreadinfo, iothreadpin, iothreadset } from './domain-iothreads.js';
import { domstats } from './domain-domstats.js';
import { blkiotune } from './domain-blkiotune.js';
import { memtune } from './domain-memtune.js';
import { numatune } from './domain-numatune.js';
import {
  managedsave, managedsaveDefine, managedsaveDumpxml, managedsaveEdit, managedsaveRemove, restore, save, saveImageDefine, saveImageDumpxml,
  saveImageEdit,
} from './domain-save.js';
import { autostart, desc, domrename, metadata } from './domain-metadata.js';
import { snapshotCreate, snapshotCreateAs } from './snapshot-create.js';
import { snapshotCurrent, snapshotDelete, snapshotDumpxml, snapshotInfo, snapshotParent, snapshotRevert } from './snapshot-info.js';
import { snapshotList } from './snapshot-list.js';
import { snapshotEdit } from './snapshot-edit.js';
import { checkpointCreate, checkpointCreateAs } from './checkpoint-create.js';
import { checkpointDelete, checkpointDumpxml, checkpointInfo, checkpointParent } from './checkpoint-info.js';
import { checkpointList } from './checkpoint-list.js';
import { checkpointEdit } from './checkpoint-edit.js';
import { event } from './event.js';
import { allocpages, freecell, freepages, nodeMemoryTune } from './host-memory.js';
import { cpuBaseline, cpuCompare, cpuModels, domcapabilities, hypervisorCpuBaseline, hypervisorCpuCompare, maxvcpus, nodecpumap } from './host-cpu.js';
import { nodesevinfo, nodesuspend } from './host-node.js';
import { secretDefine, secretDumpxml, secretGetValue, secretList, secretSetValue, secretUndefine } from './secret.js';
import { secretEvent } from './secret-event.js';
import {
  nwfilterBindingCreate, nwfilterBindingDelete, nwfilterBindingDumpxml, nwfilterBindingList, nwfilterDefine, nwfilterDumpxml, nwfilterEdit,
  nwfilterList, nwfilterUndefine,
} from './nwfilter.js';
import { backupBegin, backupDumpxml } from './backup.js';
import { edit, ifaceEdit, netEdit, poolEdit } from './edit-commands.js';
import { netPortCreate, netPortDelete, netPortDumpxml, netPortList } from './network-ports.js';
import { ifaceBridge, ifaceUnbridge } from './interface-bridge.js';
import { nodedevCreate, nodedevDefine } from './nodedev-create.js';
import { poolEvent } from './pool-event.js';
import { volDownload, volUpload } from './volume-transfer.js';

const help = makeHelp(() => GROUPS);

/** Every command virsh 9.0 has that tsvirsh implements. */
const VIRSH_COMMANDS: readonly CommandDef[] = [
  create, define, destroy, domid, domname, domuuid, dumpxml, qemuMonitorCommand, reboot, reset, resume, shutdown,
  start, suspend, undefine, attachDevice, attachDisk, attachInterface, detachDevice, detachDisk, detachInterface,
  updateDevice, setmaxmem, setmem, setvcpus, vcpucount, vcpuinfo, vcpupin, cpuStats, schedinfo, domhostname,
  domjobabort, domjobinfo, migrateCompcache, migrateGetmaxdowntime, migrateGetspeed, migratePostcopy,
  migrateSetmaxdowntime, migrateSetspeed, domdirtyrateCalc, dompmsuspend, dompmwakeup, guestAgentTimeout, guestinfo,
  guestvcpus, iothreadadd, iothreaddel, iothreadinfo, iothreadpin, iothreadset, blkiotune, memtune, numatune,
  autostart, desc, domrename, managedsave, managedsaveDefine, managedsaveDumpxml, managedsaveRemove, metadata, restore,
  save, saveImageDefine, saveImageDumpxml, saveImageEdit, managedsaveEdit, edit, dominfo, domstate, list, domblkinfo, domblklist, domblkstat,
  domiflist, domifstat, domblkerror, domcontrol, dommemstat, domstats, domtime, event, capabilities, hostname,
  nodecpustats, nodeinfo, nodememstats, sysinfo, uri, version, allocpages, cpuBaseline, cpuCompare, cpuModels,
  domcapabilities, freecell, freepages, hypervisorCpuBaseline, hypervisorCpuCompare, maxvcpus, nodeMemoryTune,
  nodecpumap, nodesevinfo, nodesuspend, ifaceBegin, ifaceCommit, ifaceDefine, ifaceDestroy, ifaceDumpxml, ifaceList,
  ifaceMac, ifaceName, ifaceRollback, ifaceStart, ifaceUndefine, ifaceEdit, ifaceBridge, ifaceUnbridge, nwfilterDefine,
  nwfilterDumpxml, nwfilterEdit, nwfilterList, nwfilterUndefine, nwfilterBindingCreate, nwfilterBindingDelete,
  nwfilterBindingDumpxml, nwfilterBindingList, netAutostart, netCreate, netDefine, netDestroy, netDhcpLeases,
  netDumpxml, netInfo, netEvent, netList, netName, netStart, netUndefine, netUpdate, netUUID, netEdit, netPortList,
  netPortCreate, netPortDumpxml, netPortDelete, nodedevCreate, nodedevDestroy, nodedevDetach, nodedevDumpxml,
  nodedevList, nodedevReattach, nodedevReset, nodedevEvent, nodedevDefine, nodedevUndefine, nodedevStart,
  nodedevAutostart, nodedevInfo, secretDefine, secretDumpxml, secretEvent, secretGetValue, secretList, secretSetValue,
  secretUndefine, snapshotCreate, snapshotCreateAs, snapshotEdit, snapshotCurrent, snapshotDelete, snapshotDumpxml, snapshotInfo,
  snapshotList, snapshotParent, snapshotRevert, checkpointCreate, checkpointCreateAs, checkpointDelete, checkpointDumpxml,
  checkpointEdit, checkpointInfo, checkpointList, checkpointParent, backupBegin, backupDumpxml, findStoragePoolSourcesAs,
  findStoragePoolSources, poolAutostart, poolBuild, poolCreateAs, poolCreate, poolDefineAs, poolDefine, poolDelete,
  poolDestroy, poolDumpxml, poolEdit, poolInfo, poolList, poolName, poolRefresh, poolStart, poolUndefine, poolUUID,
  poolEvent, poolCapabilities, volClone, volCreateAs, volCreate, volCreateFrom, volDelete, volDownload, volDumpxml, volInfo, volKey,
  volList, volName, volPath, volPool, volResize, volUpload, volWipe, cd, echo, exit, pwd, quit, connectCommand, help,
];

/** tsvirsh's own commands, listed after virsh's in their group. */
const TSVIRSH_COMMANDS: Readonly<Record<string, readonly CommandDef[]>> = { monitor: [sharedDiskList] };

/** Every command, in virsh's groups and in the order `virsh help` lists them. */
export const GROUPS: readonly CommandGroup[] = groupsInVirshOrder(VIRSH_COMMANDS, TSVIRSH_COMMANDS);

const COMMANDS = new Map(GROUPS.flatMap((g) => g.commands).map((c) => [c.name, c]));

export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.get(name);
}
