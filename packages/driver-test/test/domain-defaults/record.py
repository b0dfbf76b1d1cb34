#!/usr/bin/python3
"""Records the device defaults libvirt 9.0's test driver fills in, with python3-libvirt.

    /usr/bin/python3 record.py > cases.json     (the recording domain-defaults.test.ts compares with)

Each definition is defined on test:///default and printed inactive, then started and printed live
(or libvirt's error is kept). The first accepted definitions are also loaded from one custom config
(test:///PATH.xml) and printed live and inactive, since a config's domains get the same defaults.
Families: disks alone (device x target x bus), three disks in every order, drive addresses and
controllers written beside them, character devices (serial, parallel, console, channel), memory
devices in every size unit, and the devices that bring a controller of their own.
"""
import itertools
import json
import os
import re
import sys
import tempfile
import uuid

import libvirt

libvirt.registerErrorHandler(lambda _ctx, _err: None, None)

DISK = "<disk type='file' device='{dev}'><source file='/tmp/{tgt}.img'/><target dev='{tgt}'{bus}/>{extra}</disk>"


def disk(tgt, dev='disk', bus='', extra=''):
    return DISK.format(dev=dev, tgt=tgt, bus=f" bus='{bus}'" if bus else '', extra=extra)


def drive(controller=None, bus=None, target=None, unit=None):
    parts = [f" {k}='{v}'" for k, v in (('controller', controller), ('bus', bus), ('target', target), ('unit', unit)) if v is not None]
    return f"<address type='drive'{''.join(parts)}/>"


TARGETS = ['vda', 'vdc', 'vdaa', 'sda', 'sdg', 'sdh', 'sdo', 'hda', 'hdb', 'hdc', 'hdd', 'hde', 'fda', 'fdb', 'fdc', 'xvda', 'ubda']
BUSES = ['', 'ide', 'scsi', 'sata', 'usb', 'virtio', 'fdc', 'xen', 'uml', 'sd']
SINGLE = [disk(t, d, b) for d in ['disk', 'cdrom', 'floppy'] for t in TARGETS for b in BUSES] + [
    f"<disk type='block' device='lun'><source dev='/dev/sd{t}'/><target dev='sd{t}'{b}/></disk>"
    for t in 'ab' for b in ['', " bus='scsi'", " bus='virtio'"]
]
ORDERED = ['vdb', 'vda', 'sdb', 'sda', 'hdc', 'hda', 'fda']
ORDERS = [''.join(disk(t, 'floppy' if t.startswith('fd') else 'disk') for t in p) for p in itertools.permutations(ORDERED, 3)] + [
    disk('vdb') + disk('sda', bus='virtio') + disk('vda'),
    disk('hdb', bus='sata') + disk('sda', bus='sata') + disk('hda'),
    disk('sdc') + disk('sdb', bus='usb') + disk('sda'),
    disk('vda') + disk('vdb') + disk('vda', bus='ide'),
    ''.join(disk(t, 'floppy' if t.startswith('fd') else 'disk') for t in ORDERED),
    ''.join(disk(t, 'floppy' if t.startswith('fd') else 'disk') for t in reversed(ORDERED)),
]
CONTROLLED = [
    disk('sda', extra=drive(2, 0, 0, 0)), disk('sda', extra=drive(0, 1, 0, 3)), disk('hda', extra=drive(3, 1, 0, 1)),
    disk('sda', bus='sata', extra=drive(1, 0, 0, 5)), disk('fda', 'floppy', extra=drive(1, 0, 0, 1)),
    disk('sda', extra=drive(unit=2)), disk('sda', extra=drive(controller=1)), disk('hdc', extra=drive()),
    disk('vda', extra=drive(0, 0, 0, 1)), disk('sda', bus='usb', extra=drive(0, 0, 0, 0)),
    disk('sda', extra="<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>"),
    disk('vda', extra="<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>"),
    disk('sda', bus='usb', extra="<address type='usb' bus='0' port='1'/>"),
    disk('sda') + "<controller type='scsi' index='0' model='virtio-scsi'/>",
    disk('sdh') + "<controller type='scsi' model='virtio-scsi'/>",
    disk('sdh') + "<controller type='scsi' index='1' model='lsilogic'/>",
    "<controller type='ide' index='2'/>" + disk('hda'),
    "<controller type='ide'/><controller type='ide'/>" + disk('hde'),
    "<controller type='scsi' index='3'/>" + disk('sda') + disk('sdh'),
    "<controller type='usb' index='0'/>" + disk('sda', bus='usb'),
    "<controller type='usb' index='0' model='none'/>" + disk('sda'),
    "<controller type='sata' index='0'/><controller type='scsi' index='0'/>" + disk('hda') + disk('fda', 'floppy'),
    "<controller type='virtio-serial' index='0'/>" + disk('sda'),
    "<controller type='pci' index='0' model='pci-root'/>" + disk('sda'),
    disk('sda', extra='<readonly/>'), disk('hdc', 'cdrom', extra='<readonly/>'), disk('hdc', 'cdrom', extra='<shareable/>'),
    "<disk type='file' device='cdrom'><target dev='hdc'/></disk>",
    "<disk type='file' device='cdrom'><target dev='sdc' bus='scsi' tray='open'/></disk>",
    "<disk type='file' device='floppy'><target dev='fda'/></disk>",
    disk('sdb', extra=drive(0, 0, 0, 1)) + disk('sda'),
    disk('sdb') + disk('sda', extra=drive(0, 0, 0, 1)),
    disk('hda') + disk('hdb', extra=drive(0, 0, 0, 0)),
]
CHR_SOURCES = {
    'pty': '', 'null': '', 'file': "<source path='/tmp/chr'/>", 'dev': "<source path='/dev/ttyS0'/>",
    'tcp': "<source mode='bind' host='127.0.0.1' service='4555'/>", 'unix': "<source mode='bind' path='/tmp/chr.sock'/>",
    'udp': "<source mode='connect' host='127.0.0.1' service='4556'/>", 'vc': '', 'stdio': '', 'spicevmc': '',
}


def chr_dev(kind, type_='pty', target='', source=None, extra=''):
    src = CHR_SOURCES.get(type_, '') if source is None else source
    return f"<{kind} type='{type_}'>{src}{target}{extra}</{kind}>"


CONSOLE_TARGETS = ['', "<target type='serial'/>", "<target type='serial' port='0'/>", "<target type='virtio'/>",
                   "<target type='xen'/>", "<target type='sclp'/>", "<target type='sclplm'/>", "<target type='uml'/>",
                   "<target type='lxc'/>", "<target type='openvz'/>", "<target type='serial' port='2'/>"]
SERIAL_TARGETS = ['', "<target port='0'/>", "<target port='3'/>", "<target type='isa-serial'/>", "<target type='usb-serial'/>",
                  "<target type='pci-serial'/>", "<target type='isa-serial'><model name='isa-serial'/></target>"]
CHARDEVS = (
    [chr_dev('console', t) for t in CHR_SOURCES]
    + [chr_dev('serial', t) for t in CHR_SOURCES]
    + [chr_dev('parallel', t) for t in ['pty', 'file', 'tcp']]
    + [chr_dev('console', 'pty', target=t) for t in CONSOLE_TARGETS]
    + [chr_dev('serial', 'pty', target=t) for t in SERIAL_TARGETS]
    + [chr_dev('console', 'pty', source="<source path='/dev/pts/3'/>"), chr_dev('serial', 'pty', source="<source path='/dev/pts/4'/>"),
       "<console type='pty' tty='/dev/pts/5'/>", "<serial type='pty' tty='/dev/pts/5'><source path='/dev/pts/5'/></serial>"]
    + [chr_dev('serial', s) + chr_dev('console', c) for s in ['pty', 'file', 'tcp'] for c in ['pty', 'file', 'tcp']]
    + [chr_dev('console', c, target=t) + chr_dev('serial', 'pty') for c in ['pty', 'file'] for t in CONSOLE_TARGETS[:4]]
    + [chr_dev('console', 'pty') + chr_dev('console', 'pty', target=t) for t in CONSOLE_TARGETS]
    + [chr_dev('serial', 'pty') + chr_dev('serial', 'file') + chr_dev('console', 'pty', target="<target type='virtio'/>"),
       chr_dev('serial', 'pty', target="<target port='1'/>") + chr_dev('console', 'pty'),
       chr_dev('serial', 'pty', target="<target type='usb-serial'/>") + chr_dev('console', 'pty'),
       chr_dev('serial', 'pty') + chr_dev('serial', 'pty') + chr_dev('parallel', 'pty') + chr_dev('parallel', 'pty'),
       chr_dev('serial', 'file', target="<target port='1'/>") + chr_dev('serial', 'pty'),
       chr_dev('channel', 'pty', target="<target type='virtio' name='org.qemu.guest_agent.0'/>"),
       chr_dev('channel', 'unix', target="<target type='virtio'/>"),
       chr_dev('channel', 'tcp', target="<target type='guestfwd' address='10.0.2.1' port='4600'/>"),
       chr_dev('channel', 'pty', target="<target type='xen' name='x'/>"),
       chr_dev('channel', 'spicevmc', target="<target type='virtio' name='com.redhat.spice.0'/>"),
       chr_dev('console', 'pty', target="<target type='virtio'/>") + chr_dev('channel', 'pty', target="<target type='virtio' name='a'/>"),
       "<controller type='virtio-serial' index='1'/>" + chr_dev('console', 'pty', target="<target type='virtio'/>")]
)
MAXMEM = "<maxMemory slots='8' unit='KiB'>16777216</maxMemory>"
NUMA = "<cpu><numa><cell id='0' cpus='0' memory='1048576' unit='KiB'/></numa></cpu>"
UNITS = ['', 'b', 'bytes', 'KiB', 'k', 'KB', 'MiB', 'M', 'MB', 'GiB', 'G', 'GB']


def mem(model, size, unit, extra='', source=''):
    u = f" unit='{unit}'" if unit else ''
    return f"<memory model='{model}'>{source}<target><size{u}>{size}</size><node>0</node>{extra}</target></memory>"


MEMORIES = (
    [mem('dimm', 524288 if not u or u.lower().startswith('k') else (512 if u.startswith('M') else (1 if u.startswith('G') else 536870912)), u) for u in UNITS]
    + [mem('dimm', 1000, 'KiB'), mem('dimm', 1, 'M'), mem('dimm', 1000000, 'b')]
    + [mem('nvdimm', 1, 'GiB', "<label><size unit='MiB'>1</size></label>", '<source><path>/tmp/nv</path></source>'),
       mem('nvdimm', 512, 'MiB', '', '<source><path>/tmp/nv</path><alignsize unit=\'KiB\'>2048</alignsize><pmem/></source>'),
       mem('virtio-mem', 1, 'GiB', "<block unit='MiB'>2</block><requested unit='MiB'>512</requested>"),
       mem('virtio-mem', 1, 'GiB', "<block unit='MiB'>2</block><requested unit='MiB'>512</requested><current unit='MiB'>4</current>"),
       mem('virtio-pmem', 256, 'MiB', '', '<source><path>/tmp/pm</path></source>'),
       mem('dimm', 256, 'MiB', '', "<source><pagesize unit='KiB'>4</pagesize><nodemask>0</nodemask></source>"),
       mem('dimm', 256, 'MiB') + mem('dimm', 256, 'MiB'),
       mem('dimm', 256, 'MiB', extra='') .replace('</memory>', "<address type='dimm' slot='1'/></memory>")]
)
OWN_CONTROLLERS = [
    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>",
    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source><address type='drive' controller='1' bus='0' target='0' unit='0'/></hostdev>",
    "<smartcard mode='passthrough' type='spicevmc'/>",
    "<input type='tablet' bus='usb'/>",
    "<redirdev bus='usb' type='spicevmc'/>",
    "<hub type='usb'/>",
    "<interface type='user'><mac address='52:54:00:00:00:01'/></interface>",
    "<sound model='ich6'/>",
    "<watchdog model='i6300esb'/>",
    "<memballoon model='virtio'/>",
    "<graphics type='vnc'/>",
    "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source></hostdev>",
    "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source></hostdev>",
    "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>",
    "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='1'/></source></hostdev>" * 2,
    disk('sda') + disk('sdb') + "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>",
    "<controller type='usb' index='0'/><redirdev bus='usb' type='spicevmc'/>",
    "<controller type='usb' index='0' model='none'/><redirdev bus='usb' type='spicevmc'/>",
    "<watchdog model='i6300esb' action='poweroff'/>",
    "<watchdog model='ib700'/>",
]
OS_KINDS = [
    ("<os><type>xen</type></os>", chr_dev('console', 'pty')),
    ("<os><type>xen</type></os>", chr_dev('serial', 'pty')),
    ("<os><type>xen</type></os>", chr_dev('console', 'pty', target="<target type='serial'/>")),
    ("<os><type>linux</type></os>", chr_dev('console', 'pty')),
    ("<os><type>hvm</type></os>", chr_dev('serial', 'pty')),
    ("<os><type arch='x86_64'>hvm</type></os>", disk('sda') + chr_dev('console', 'pty')),
    ("<os><type arch='aarch64'>hvm</type></os>", disk('sda') + chr_dev('console', 'pty')),
    ("<os><type arch='s390x'>hvm</type></os>", chr_dev('console', 'pty')),
    ("<os><type arch='ppc64'>hvm</type></os>", chr_dev('console', 'pty') + disk('sda')),
]


UUIDS = itertools.count(1)


def domain(devices, os_el="<os><type>hvm</type></os>", extra=''):
    return (f"<domain type='test'><name>dd</name><uuid>{uuid.UUID(int=next(UUIDS))}</uuid><memory>4194304</memory>{extra}"
            f"{os_el}<devices>{devices}</devices></domain>")


DEFINITIONS = (
    [domain(d) for d in SINGLE + ORDERS + CONTROLLED + CHARDEVS + OWN_CONTROLLERS]
    + [domain(d, os_el="<os><type>hvm</type></os>" + NUMA, extra=MAXMEM) for d in MEMORIES]
    + [domain(d, os_el=o) for o, d in OS_KINDS]
)


def error(e):
    return {'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()}


def record(conn, xml):
    try:
        dom = conn.defineXML(xml)
    except libvirt.libvirtError as e:
        return {'xml': xml, **error(e)}
    case = {'xml': xml, 'inactive': dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)}
    try:
        dom.create()
        case['live'] = dom.XMLDesc(0)
        dom.destroy()
    except libvirt.libvirtError as e:
        case['start'] = error(e)
    dom.undefine()
    return case


CONFIG_CASES = 120


def record_config(cases):
    """The accepted definitions (first CONFIG_CASES) as domains of one custom config, each named after its case."""
    chosen = [i for i, c in enumerate(cases) if 'live' in c][:CONFIG_CASES]
    named = {f'cfg{i}': re.sub('<name>dd</name>', f'<name>cfg{i}</name>', cases[i]['xml']) for i in chosen}
    with tempfile.NamedTemporaryFile('w', suffix='.xml', delete=False) as f:
        f.write('<node>\n' + '\n'.join(named.values()) + '\n</node>\n')
    try:
        conn = libvirt.open(f'test://{f.name}')
        return [{'case': int(n[3:]), 'live': conn.lookupByName(n).XMLDesc(0),
                 'inactive': conn.lookupByName(n).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)} for n in named]
    finally:
        os.unlink(f.name)


def main():
    conn = libvirt.open('test:///default')
    cases = [record(conn, xml) for xml in DEFINITIONS]
    json.dump({'cases': cases, 'config': record_config(cases)}, sys.stdout, indent=1)
    sys.stdout.write('\n')


main()
