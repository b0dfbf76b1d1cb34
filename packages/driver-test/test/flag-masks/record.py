#!/usr/bin/python3
"""Records which flags each entry point of libvirt's test driver accepts, with python3-libvirt.

    /usr/bin/python3 record.py > masks.json     (the recording flag-masks.test.ts compares with)
    /usr/bin/python3 record.py --check masks.json

Each of the 32 flag bits is given alone to each entry point, on objects made afresh for the call.
A bit is refused when libvirt answers "unsupported flags (0x..) in function NAME"; anything else
(success or another error) means the bit passed the entry point's flag check. An entry point the
test driver lacks answers NO_SUPPORT whatever the flags.
"""
import itertools
import json
import os
import re
import sys
import tempfile

import libvirt

libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
conn = libvirt.open('test:///default')
tmp = tempfile.mkdtemp(prefix='flag-masks-')
counter = itertools.count()
REFUSED = re.compile(r'^unsupported flags \(0x([0-9a-f]+)\) in function (\w+)$')


def uid():
    return next(counter)


def dom_xml(name):
    return (f"<domain type='test'><name>{name}</name><memory>1048576</memory><vcpu>2</vcpu>"
            "<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/guest/d'/>"
            "<target dev='vda' bus='virtio'/></disk><interface type='user'><mac address='52:54:00:00:00:01'/></interface>"
            "<memballoon model='virtio'/></devices></domain>")


def dom_off():
    return conn.defineXML(dom_xml(f'fm{uid()}'))


def dom_on():
    d = dom_off()
    d.create()
    return d


def snap():
    return dom_on().snapshotCreateXML('<domainsnapshot/>', 0)


def checkpoint():
    return dom_on().checkpointCreateXML('<domaincheckpoint/>', 0)


def saved():
    path = os.path.join(tmp, f'save{uid()}')
    dom_on().save(path)
    return path


def net_xml(name):
    return f"<network><name>{name}</name><bridge name='fmbr{name[2:]}'/><ip address='10.{uid() % 250}.0.1' netmask='255.255.255.0'/></network>"


def net_off():
    return conn.networkDefineXML(net_xml(f'fm{uid()}'))


def net_on():
    n = net_off()
    n.create()
    return n


def pool_xml(name):
    return f"<pool type='dir'><name>{name}</name><target><path>/fm/{name}</path></target></pool>"


def pool_off():
    return conn.storagePoolDefineXML(pool_xml(f'fm{uid()}'))


def pool_on():
    p = pool_off()
    p.create()
    return p


def vol():
    return pool_on().createXML(f"<volume><name>v{uid()}</name><capacity>1024</capacity></volume>")


def iface_off():
    return conn.interfaceDefineXML(f"<interface type='ethernet' name='fm{uid()}'><start mode='onboot'/></interface>")


def iface_on():
    i = iface_off()
    i.create()
    return i


def nodedev():
    return conn.nodeDeviceLookupByName('scsi_host1')


def none():
    return None


C = conn
DOMAIN_CALLS = {
    'domainCreate': (dom_off, lambda d, f: d.createWithFlags(f)),
    'domainDestroy': (dom_on, lambda d, f: d.destroyFlags(f)),
    'domainShutdown': (dom_on, lambda d, f: d.shutdownFlags(f)),
    'domainReboot': (dom_on, lambda d, f: d.reboot(f)),
    'domainReset': (dom_on, lambda d, f: d.reset(f)),
    'domainInjectNMI': (dom_on, lambda d, f: d.injectNMI(f)),
    'domainSendKey': (dom_on, lambda d, f: d.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 0, [30], 1, f)),
    'domainUndefine': (dom_off, lambda d, f: d.undefineFlags(f)),
    'domainGetXMLDesc': (dom_on, lambda d, f: d.XMLDesc(f)),
    'domainGetState': (dom_on, lambda d, f: d.state(f)),
    'domainHasManagedSaveImage': (dom_off, lambda d, f: d.hasManagedSaveImage(f)),
    'domainAttachDevice': (dom_on, lambda d, f: d.attachDeviceFlags("<disk type='file'><source file='/x'/><target dev='vdz'/></disk>", f)),
    'domainDetachDevice': (dom_on, lambda d, f: d.detachDeviceFlags("<disk type='file'><source file='/guest/d'/><target dev='vda'/></disk>", f)),
    'domainUpdateDevice': (dom_on, lambda d, f: d.updateDeviceFlags("<disk type='file'><source file='/guest/d'/><target dev='vda'/></disk>", f)),
    'domainGetBlockInfo': (dom_on, lambda d, f: d.blockInfo('vda', f)),
    'domainSetMemoryFlags': (dom_on, lambda d, f: d.setMemoryFlags(1024, f)),
    'domainSetVcpusFlags': (dom_on, lambda d, f: d.setVcpusFlags(1, f)),
    'domainGetVcpusFlags': (dom_on, lambda d, f: d.vcpusFlags(f)),
    'domainGetVcpuPinInfo': (dom_on, lambda d, f: d.vcpuPinInfo(f)),
    'domainPinVcpuFlags': (dom_on, lambda d, f: d.pinVcpuFlags(0, (True,), f)),
    'domainGetCPUStats': (dom_on, lambda d, f: d.getCPUStats(True, f)),
    'domainGetSchedulerParameters': (dom_on, lambda d, f: d.schedulerParametersFlags(f)),
    'domainSetSchedulerParameters': (dom_on, lambda d, f: d.setSchedulerParametersFlags({'weight': 100}, f)),
    'domainGetMemoryParameters': (dom_on, lambda d, f: d.memoryParameters(f)),
    'domainSetMemoryParameters': (dom_on, lambda d, f: d.setMemoryParameters({'hard_limit': 2097152}, f)),
    'domainGetBlkioParameters': (dom_on, lambda d, f: d.blkioParameters(f)),
    'domainSetBlkioParameters': (dom_on, lambda d, f: d.setBlkioParameters({'weight': 500}, f)),
    'domainGetNumaParameters': (dom_on, lambda d, f: d.numaParameters(f)),
    'domainSetNumaParameters': (dom_on, lambda d, f: d.setNumaParameters({'numa_mode': 0}, f)),
    'domainGetPerfEvents': (dom_on, lambda d, f: d.perfEvents(f)),
    'domainSetPerfEvents': (dom_on, lambda d, f: d.setPerfEvents({'cmt': True}, f)),
    'domainSetMemoryStatsPeriod': (dom_on, lambda d, f: d.setMemoryStatsPeriod(5, f)),
    'domainGetTime': (dom_on, lambda d, f: d.getTime(f)),
    'domainSetTime': (dom_on, lambda d, f: d.setTime({'seconds': 10, 'nseconds': 0}, f)),
    'domainGetHostname': (dom_on, lambda d, f: d.hostname(f)),
    'domainGetControlInfo': (dom_on, lambda d, f: d.controlInfo(f)),
    'domainGetDiskErrors': (dom_on, lambda d, f: d.diskErrors(f)),
    'domainGetIOThreadInfo': (dom_on, lambda d, f: d.ioThreadInfo(f)),
    'domainAddIOThread': (dom_on, lambda d, f: d.addIOThread(7, f)),
    'domainDelIOThread': (dom_on, lambda d, f: d.delIOThread(1, f)),
    'domainPinIOThread': (dom_on, lambda d, f: d.pinIOThread(1, (True,), f)),
    'domainSetIOThreadParams': (dom_on, lambda d, f: d.setIOThreadParams(1, {'poll_max_ns': 10}, f)),
    'domainGetJobStats': (dom_on, lambda d, f: d.jobStats(f)),
    'domainAbortJob': (dom_on, lambda d, f: d.abortJobFlags(f)),
    'domainMigrateGetMaxDowntime': (dom_on, lambda d, f: d.migrateGetMaxDowntime(f)),
    'domainMigrateSetMaxDowntime': (dom_on, lambda d, f: d.migrateSetMaxDowntime(10, f)),
    'domainMigrateGetCompressionCache': (dom_on, lambda d, f: d.migrateGetCompressionCache(f)),
    'domainMigrateSetCompressionCache': (dom_on, lambda d, f: d.migrateSetCompressionCache(10, f)),
    'domainMigrateGetMaxSpeed': (dom_on, lambda d, f: d.migrateGetMaxSpeed(f)),
    'domainMigrateSetMaxSpeed': (dom_on, lambda d, f: d.migrateSetMaxSpeed(10, f)),
    'domainMigrateStartPostCopy': (dom_on, lambda d, f: d.migrateStartPostCopy(f)),
    'domainGetGuestVcpus': (dom_on, lambda d, f: d.guestVcpus(f)),
    'domainSetGuestVcpus': (dom_on, lambda d, f: d.setGuestVcpus('0', True, f)),
    'domainGetGuestInfo': (dom_on, lambda d, f: d.guestInfo(0, f)),
    'domainStartDirtyRateCalc': (dom_on, lambda d, f: d.startDirtyRateCalc(1, f)),
    'domainAgentSetResponseTimeout': (dom_on, lambda d, f: d.agentSetResponseTimeout(5, f)),
    'domainPMWakeup': (dom_on, lambda d, f: d.pMWakeup(f)),
    'domainPMSuspendForDuration': (dom_on, lambda d, f: d.pMSuspendForDuration(0, 0, f)),
    'domainSave': (dom_on, lambda d, f: d.saveFlags(os.path.join(tmp, f's{uid()}'), None, f)),
    'domainManagedSave': (dom_on, lambda d, f: d.managedSave(f)),
    'domainManagedSaveRemove': (dom_off, lambda d, f: d.managedSaveRemove(f)),
    'domainGetMessages': (dom_on, lambda d, f: d.messages(f)),
    'domainRename': (dom_off, lambda d, f: d.rename(f'fmr{uid()}', f)),
    'domainSetMetadata': (dom_on, lambda d, f: d.setMetadata(0, 'desc', None, None, f)),
    'domainGetMetadata': (dom_on, lambda d, f: d.metadata(0, None, f)),
    'domainSnapshotCreateXML': (dom_on, lambda d, f: d.snapshotCreateXML('<domainsnapshot/>', f)),
    'domainListAllSnapshots': (dom_on, lambda d, f: d.listAllSnapshots(f)),
    'domainSnapshotLookupByName': (snap, lambda s, f: s.getDomain().snapshotLookupByName(s.getName(), f)),
    'domainHasCurrentSnapshot': (dom_on, lambda d, f: d.hasCurrentSnapshot(f)),
    'domainSnapshotCurrent': (snap, lambda s, f: s.getDomain().snapshotCurrent(f)),
    'domainCheckpointCreateXML': (dom_on, lambda d, f: d.checkpointCreateXML('<domaincheckpoint/>', f)),
    'domainListAllCheckpoints': (dom_on, lambda d, f: d.listAllCheckpoints(f)),
    'domainCheckpointLookupByName': (checkpoint, lambda c, f: c.getDomain().checkpointLookupByName(c.getName(), f)),
    'domainBackupBegin': (dom_on, lambda d, f: d.backupBegin('<domainbackup/>', None, f)),
    'domainBackupGetXMLDesc': (dom_on, lambda d, f: d.backupGetXMLDesc(f)),
    'domainSnapshotGetXMLDesc': (snap, lambda s, f: s.getXMLDesc(f)),
    'domainSnapshotGetParent': (snap, lambda s, f: s.getParent(f)),
    'domainSnapshotListAllChildren': (snap, lambda s, f: s.listAllChildren(f)),
    'domainSnapshotIsCurrent': (snap, lambda s, f: s.isCurrent(f)),
    'domainSnapshotHasMetadata': (snap, lambda s, f: s.hasMetadata(f)),
    'domainRevertToSnapshot': (snap, lambda s, f: s.getDomain().revertToSnapshot(s, f)),
    'domainSnapshotDelete': (snap, lambda s, f: s.delete(f)),
    'domainCheckpointGetXMLDesc': (checkpoint, lambda c, f: c.getXMLDesc(f)),
    'domainCheckpointGetParent': (checkpoint, lambda c, f: c.getParent(f)),
    'domainCheckpointListAllChildren': (checkpoint, lambda c, f: c.listAllChildren(f)),
    'domainCheckpointDelete': (checkpoint, lambda c, f: c.delete(f)),
    'domainSendProcessSignal': (dom_on, lambda d, f: d.sendProcessSignal(1, 0, f)),
    'domainSetLifecycleAction': (dom_on, lambda d, f: d.setLifecycleAction(0, 0, f)),
    'domainSetVcpu': (dom_on, lambda d, f: d.setVcpu('1', 0, f)),
    'domainDetachDeviceAlias': (dom_on, lambda d, f: d.detachDeviceAlias('ua-x', f)),
    'domainFDAssociate': (dom_on, lambda d, f: d.FDAssociate('g', [0], f)),
    'domainGetEmulatorPinInfo': (dom_on, lambda d, f: d.emulatorPinInfo(f)),
    'domainPinEmulator': (dom_on, lambda d, f: d.pinEmulator((True,), f)),
    'domainGetBlockIoTune': (dom_on, lambda d, f: d.blockIoTune('vda', f)),
    'domainSetBlockIoTune': (dom_on, lambda d, f: d.setBlockIoTune('vda', {'total_iops_sec': 1}, f)),
    'domainGetInterfaceParameters': (dom_on, lambda d, f: d.interfaceParameters('52:54:00:00:00:01', f)),
    'domainSetInterfaceParameters': (dom_on, lambda d, f: d.setInterfaceParameters('52:54:00:00:00:01', {'inbound.average': 10}, f)),
    'domainGetLaunchSecurityInfo': (dom_on, lambda d, f: d.launchSecurityInfo(f)),
    'domainSetLaunchSecurityState': (dom_on, lambda d, f: d.setLaunchSecurityState({'sev-secret': 'eA=='}, f)),
}
CONNECT_CALLS = {
    'connectGetSysinfo': (none, lambda _, f: C.getSysinfo(f)),
    'connectListAllDomains': (none, lambda _, f: C.listAllDomains(f)),
    'connectGetAllDomainStats': (none, lambda _, f: C.getAllDomainStats(0, f)),
    'domainDefineXML': (none, lambda _, f: C.defineXMLFlags(dom_xml(f'fmd{uid()}'), f)),
    'domainCreateXML': (none, lambda _, f: C.createXML(dom_xml(f'fmc{uid()}'), f)),
    'domainRestore': (saved, lambda p, f: C.restoreFlags(p, None, f)),
    'domainSaveImageGetXMLDesc': (saved, lambda p, f: C.saveImageGetXMLDesc(p, f)),
    'domainSaveImageDefineXML': (saved, lambda p, f: C.saveImageDefineXML(p, C.saveImageGetXMLDesc(p, 0), f)),
    'connectGetCPUModelNames': (none, lambda _, f: C.getCPUModelNames('x86_64', f)),
    'connectBaselineCPU': (none, lambda _, f: C.baselineCPU(["<cpu><arch>x86_64</arch><model>Nehalem</model></cpu>"], f)),
    'connectCompareCPU': (none, lambda _, f: C.compareCPU("<cpu><arch>x86_64</arch><model>Nehalem</model></cpu>", f)),
    'nodeGetCPUStats': (none, lambda _, f: C.getCPUStats(-1, f)),
    'nodeGetMemoryStats': (none, lambda _, f: C.getMemoryStats(-1, f)),
    'nodeGetCPUMap': (none, lambda _, f: C.getCPUMap(f)),
    'nodeGetFreePages': (none, lambda _, f: C.getFreePages([4], 0, 1, f)),
    'nodeAllocPages': (none, lambda _, f: C.allocPages({4: 1}, 0, 1, f)),
    'nodeGetMemoryParameters': (none, lambda _, f: C.getMemoryParameters(f)),
    'nodeSetMemoryParameters': (none, lambda _, f: C.setMemoryParameters({'shm_pages_to_scan': 10}, f)),
    'nodeSuspendForDuration': (none, lambda _, f: C.suspendForDuration(0, 60, f)),
    'nodeGetSEVInfo': (none, lambda _, f: C.getSEVInfo(f)),
    'connectListAllNetworks': (none, lambda _, f: C.listAllNetworks(f)),
    'networkDefineXML': (none, lambda _, f: C.networkDefineXMLFlags(net_xml(f'fm{uid()}'), f)),
    'networkCreateXML': (none, lambda _, f: C.networkCreateXMLFlags(net_xml(f'fm{uid()}'), f)),
    'connectListAllInterfaces': (none, lambda _, f: C.listAllInterfaces(f)),
    'interfaceDefineXML': (none, lambda _, f: C.interfaceDefineXML(f"<interface type='ethernet' name='fmi{uid()}'/>", f)),
    'interfaceChangeBegin': (none, lambda _, f: C.changeBegin(f)),
    'interfaceChangeCommit': (none, lambda _, f: C.changeCommit(f)),
    'interfaceChangeRollback': (none, lambda _, f: C.changeRollback(f)),
    'connectListAllNodeDevices': (none, lambda _, f: C.listAllDevices(f)),
    'nodeDeviceLookupSCSIHostByWWN': (none, lambda _, f: C.nodeDeviceLookupSCSIHostByWWN('2000000012341234', '1000000012341234', f)),
    'nodeDeviceCreateXML': (none, lambda _, f: C.nodeDeviceCreateXML(
        "<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'/></capability></device>", f)),
    'nodeDeviceDefineXML': (none, lambda _, f: C.nodeDeviceDefineXML("<device><capability type='system'/></device>", f)),
    'connectListAllStoragePools': (none, lambda _, f: C.listAllStoragePools(f)),
    'storagePoolDefineXML': (none, lambda _, f: C.storagePoolDefineXML(pool_xml(f'fm{uid()}'), f)),
    'storagePoolCreateXML': (none, lambda _, f: C.storagePoolCreateXML(pool_xml(f'fm{uid()}'), f)),
    'connectFindStoragePoolSources': (none, lambda _, f: C.findStoragePoolSources('logical', None, f)),
    'connectGetStoragePoolCapabilities': (none, lambda _, f: C.getStoragePoolCapabilities(f)),
    'connectListAllSecrets': (none, lambda _, f: C.listAllSecrets(f)),
    'secretDefineXML': (none, lambda _, f: C.secretDefineXML("<secret/>", f)),
    'connectListAllNWFilters': (none, lambda _, f: C.listAllNWFilters(f)),
    'nwfilterDefineXML': (none, lambda _, f: C.nwfilterDefineXMLFlags("<filter name='x'/>", f)),
    'connectListAllNWFilterBindings': (none, lambda _, f: C.listAllNWFilterBindings(f)),
    'connectDomainXMLFromNative': (none, lambda _, f: C.domainXMLFromNative('qemu-argv', 'qemu-system-x86_64', f)),
    'connectDomainXMLToNative': (none, lambda _, f: C.domainXMLToNative('qemu-argv', dom_xml('fmn'), f)),
}
OBJECT_CALLS = {
    'networkGetXMLDesc': (net_on, lambda n, f: n.XMLDesc(f)),
    'networkUpdate': (net_on, lambda n, f: n.update(libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, libvirt.VIR_NETWORK_SECTION_DNS_HOST, -1,
                                                    "<host ip='10.0.0.9'><hostname>h</hostname></host>", f)),
    'networkGetDHCPLeases': (net_on, lambda n, f: n.DHCPLeases(None, f)),
    'networkListAllPorts': (net_on, lambda n, f: n.listAllPorts(f)),
    'networkPortCreateXML': (net_on, lambda n, f: n.portCreateXML("<networkport><plug type='direct' dev='eth0'/></networkport>", f)),
    'interfaceCreate': (iface_off, lambda i, f: i.create(f)),
    'interfaceDestroy': (iface_on, lambda i, f: i.destroy(f)),
    'interfaceGetXMLDesc': (iface_on, lambda i, f: i.XMLDesc(f)),
    'nodeDeviceGetXMLDesc': (nodedev, lambda d, f: d.XMLDesc(f)),
    'nodeDeviceDetachFlags': (nodedev, lambda d, f: d.detachFlags(None, f)),
    'nodeDeviceCreate': (nodedev, lambda d, f: d.create(f)),
    'nodeDeviceUndefine': (nodedev, lambda d, f: d.undefine(f)),
    'storagePoolBuild': (pool_off, lambda p, f: p.build(f)),
    'storagePoolCreate': (pool_off, lambda p, f: p.create(f)),
    'storagePoolDelete': (pool_off, lambda p, f: p.delete(f)),
    'storagePoolRefresh': (pool_on, lambda p, f: p.refresh(f)),
    'storagePoolGetXMLDesc': (pool_on, lambda p, f: p.XMLDesc(f)),
    'storagePoolListAllVolumes': (pool_on, lambda p, f: p.listAllVolumes(f)),
    'storageVolCreateXML': (pool_on, lambda p, f: p.createXML(f"<volume><name>v{uid()}</name><capacity>1024</capacity></volume>", f)),
    'storageVolCreateXMLFrom': (vol, lambda v, f: v.storagePoolLookupByVolume().createXMLFrom(
        f"<volume><name>v{uid()}</name><capacity>1024</capacity></volume>", v, f)),
    'storageVolDelete': (vol, lambda v, f: v.delete(f)),
    'storageVolGetXMLDesc': (vol, lambda v, f: v.XMLDesc(f)),
    'storageVolGetInfoFlags': (vol, lambda v, f: v.infoFlags(f)),
    'storageVolWipe': (vol, lambda v, f: v.wipe(f)),
    'storageVolWipePattern': (vol, lambda v, f: v.wipePattern(0, f)),
    'storageVolResize': (vol, lambda v, f: v.resize(2048, f)),
    'storageVolDownload': (vol, lambda v, f: v.download(C.newStream(0), 0, 0, f)),
    'storageVolUpload': (vol, lambda v, f: v.upload(C.newStream(0), 0, 0, f)),
}
CALLS = {**CONNECT_CALLS, **DOMAIN_CALLS, **OBJECT_CALLS}


def outcome(make, call, flags):
    """None when the flags passed the check, 'nosupport' when there is no such entry point, else
    (reported flags, function, code, domain) of the refusal."""
    obj = make()
    libvirt.virResetLastError()
    try:
        call(obj, flags)
        # Some bindings (guestVcpus, migrateGetMaxDowntime, ...) return None on an error instead of raising.
        err = libvirt.virGetLastError()
        if err is None:
            return None
        code, domain, message = err[0], err[1], err[2]
    except libvirt.libvirtError as e:
        code, domain, message = e.get_error_code(), e.get_error_domain(), str(e)
    if code == libvirt.VIR_ERR_NO_SUPPORT:
        return 'nosupport'
    m = REFUSED.match(message)
    return (int(m.group(1), 16), m.group(2), code, domain) if m else None


PROBES = [0] + [1 << bit for bit in range(32)]


def entry_of(name, results):
    """One entry point's recording: the bits that pass, the refusing function, and the exceptions."""
    if 'nosupport' in results:
        # libvirt's public API checks some flags before it finds no driver entry.
        checked = sum(p for p, r in zip(PROBES, results) if r != 'nosupport')
        return {'noSupport': True, **({'apiChecked': f'0x{checked:x}'} if checked else {})}
    accepted = sum(p for p, r in zip(PROBES, results) if r is None)
    entry = {'accepted': f'0x{accepted:x}'}
    refused = [(p, r) for p, r in zip(PROBES, results) if isinstance(r, tuple)]
    if not refused:
        return entry
    own = 'test' + name[0].upper() + name[1:]
    funcs = {r[1] for _, r in refused}
    function = funcs.pop() if len(funcs) == 1 else own
    assert len({(r[2], r[3]) for _, r in refused}) == 1, (name, refused)
    entry.update(function=function, code=refused[0][1][2], domain=refused[0][1][3])
    # A refusal naming more flags than were given: the public API added them (TYPED_PARAM_STRING_OKAY).
    wider = {f'0x{p:x}': f'0x{r[0]:x}' for p, r in refused if r[0] != p}
    if wider:
        entry['reported'] = wider
    # python3-libvirt's set*Parameters read the parameters first with the same flags, so the getter
    # refuses some bits before the setter sees them.
    via = {r[1] for _, r in refused} - {function}
    if via:
        entry['refusedFirstBy'] = sorted(via)
    return entry


def record():
    return {name: entry_of(name, [outcome(make, call, p) for p in PROBES]) for name, (make, call) in CALLS.items()}


if __name__ == '__main__':
    table = record()
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        with open(sys.argv[2]) as f:
            recorded = json.load(f)
        if recorded != table:
            for k in sorted(set(recorded) | set(table)):
                if recorded.get(k) != table.get(k):
                    print(f'{k}: recorded {recorded.get(k)}, libvirt now {table.get(k)}')
            sys.exit(1)
        print(f'{len(table)} entry points as recorded')
    else:
        json.dump(table, sys.stdout, indent=1, sort_keys=True)
        print()
