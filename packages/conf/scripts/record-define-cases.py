#!/usr/bin/python3
"""Records how libvirt 9.0 (python3-libvirt, test:///default) answers definitions: the error (code,
domain, message) or what its dumpxml prints. Writes test/fixtures/cputune-cases.json (<cputune>
variants, the <cputune> element printed) and test/fixtures/network-ip-cases.json (network <ip>
and forward variants, the whole document printed) and test/fixtures/pool-adapter-cases.json (SCSI
pool adapters, the whole document printed) and test/fixtures/domain-part-cases.json (values of the
smaller domain parts and devices, accepted or refused); run from packages/conf."""
import json
import re
import libvirt

HEAD = "<domain type='test'><name>t</name><memory>1024</memory><vcpu>4</vcpu>"
TAIL = "<os><type>hvm</type></os></domain>"
CACHE = "<cache id='0' level='3' type='both' size='3' unit='MiB'/>"

# (threads part, cputune content)
CPUTUNE = [
    ("", "<vcpusched vcpus='5' scheduler='idle'/>"),
    ("", "<vcpusched vcpus='0-2' scheduler='idle'/><vcpusched vcpus='2' scheduler='batch'/>"),
    ("<iothreads>2</iothreads>", "<iothreadsched iothreads='7' scheduler='idle'/>"),
    ("", "<vcpusched vcpus='1' scheduler='fifo'/>"),
    ("", "<vcpusched vcpus='1' scheduler='other'/>"),
    ("", "<vcpusched vcpus='1' scheduler='fifo' priority='foo'/>"),
    ("", "<vcpusched scheduler='idle'/>"),
    ("", "<vcpusched vcpus='^1' scheduler='idle'/>"),
    ("", "<vcpusched vcpus='1'/>"),
    ("", "<emulatorsched scheduler='fifo'/>"),
    ("", "<emulatorsched scheduler='batch' priority='3'/>"),
    ("", "<vcpusched vcpus='2' scheduler='rr' priority='5'/><vcpusched vcpus='3' scheduler='batch' priority='5'/><vcpusched vcpus='0' scheduler='idle' priority='x'/>"),
    ("", "<vcpusched vcpus='0-3,^1' scheduler='fifo' priority='2'/><vcpusched vcpus='1' scheduler='fifo' priority='2'/>"),
    ("<iothreadids><iothread id='5'/><iothread id='2'/></iothreadids>", "<iothreadsched iothreads='2' scheduler='idle'/><iothreadsched iothreads='5' scheduler='batch'/>"),
    ("<iothreads>4</iothreads><iothreadids><iothread id='5'/><iothread id='2'/></iothreadids>", "<iothreadsched iothreads='1-5' scheduler='idle'/>"),
    ("<iothreads>4</iothreads><iothreadids><iothread id='5'/><iothread id='2'/></iothreadids>", "<iothreadsched iothreads='1-3,5' scheduler='idle'/>"),
    ("<iothreads>2</iothreads>", "<iothreadsched iothreads='1' scheduler='idle'/><iothreadsched iothreads='1-2' scheduler='batch'/>"),
    ("", "<vcpupin vcpu='1' cpuset='1'/><vcpupin vcpu='0' cpuset='0-1'/>"),
    ("", "<vcpupin vcpu='7' cpuset='1'/><vcpupin vcpu='2' cpuset='1'/>"),
    ("", "<vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='0' cpuset='1'/>"),
    ("", "<vcpupin cpuset='1'/>"),
    ("<iothreads>3</iothreads>", "<iothreadpin iothread='3' cpuset='1'/><iothreadpin iothread='1' cpuset='0'/>"),
    ("<iothreads>2</iothreads>", "<iothreadpin iothread='5' cpuset='1'/>"),
    ("", f"<cachetune vcpus='2-7'>{CACHE}<monitor level='3' vcpus='2-6'/></cachetune>"),
    ("", f"<cachetune vcpus='2-7'>{CACHE}<monitor level='3' vcpus='6'/></cachetune>"),
    ("", f"<cachetune vcpus='2-7'>{CACHE}<monitor level='3' vcpus='1'/></cachetune>"),
    ("", f"<cachetune vcpus='6-7'>{CACHE}</cachetune>"),
    ("", "<memorytune vcpus='3-9'><node id='0' bandwidth='50'/></memorytune>"),
    ("", f"<memorytune vcpus='8-9'><node id='0' bandwidth='50'/></memorytune><cachetune vcpus='3-9'>{CACHE}</cachetune>"),
    ("", f"<cachetune vcpus='8-9'>{CACHE}</cachetune><cachetune vcpus='9-10'>{CACHE}</cachetune>"),
    ("", f"<cachetune vcpus='0-1'>{CACHE}</cachetune><cachetune vcpus='0-1,5'>{CACHE}</cachetune>"),
    ("", f"<cachetune vcpus='0'>{CACHE}</cachetune><cachetune vcpus='1'>{CACHE}</cachetune><memorytune vcpus='1'><node id='0' bandwidth='50'/></memorytune><memorytune vcpus='0'><node id='0' bandwidth='40'/></memorytune>"),
    ("", f"<cachetune vcpus='0-1,6'>{CACHE}</cachetune><memorytune vcpus='0-1'><node id='0' bandwidth='50'/></memorytune>"),
    ("", "<cachetune vcpus='0'><cache id='x' level='3' type='both' size='3' unit='MiB'/></cachetune>"),
    ("", "<memorytune vcpus='0'><node id='0' bandwidth='x'/></memorytune>"),
    ("<iothreads>1</iothreads>", f"<memorytune vcpus='1'><node id='0' bandwidth='40'/></memorytune><cachetune vcpus='0'>{CACHE}</cachetune><iothreadsched iothreads='1' scheduler='idle'/><vcpusched vcpus='0' scheduler='idle'/><emulatorsched scheduler='idle'/><iothreadpin iothread='1' cpuset='0'/><emulatorpin cpuset='0'/><vcpupin vcpu='0' cpuset='0'/><iothread_quota>-1</iothread_quota><iothread_period>1000</iothread_period><emulator_quota>-1</emulator_quota><emulator_period>1000</emulator_period><global_quota>-1</global_quota><global_period>1000</global_period><quota>-1</quota><period>1000</period><shares>10</shares>"),
]

NET_HEAD = "<network><name>r1</name><uuid>05aa281f-f6f4-423f-a3e3-a00e20d20b1b</uuid>"
# network content after name and uuid
NETWORK = [
    "<forward mode='route'/><bridge name='virbr9'/>",
    "<forward mode='route' dev='eth0'/>",
    "<forward/>",
    "<forward mode='open'/>",
    "<forward mode='open' dev='eth0'/><ip address='192.168.1.1'/>",
    "<forward mode='bridge'/><bridge name='br0'/>",
    "<forward mode='route'/><ip family='ipv6' address='2001:db8::1' prefix='64'/>",
    "<ip family='ipv4'/>",
    "<ip address='foo'/>",
    "<ip family='ipv6' address='192.168.1.1' prefix='24'/>",
    "<ip address='192.168.1.1' netmask='255.255.255.0' prefix='24'/>",
    "<ip address='192.168.1.1' netmask='bad'/>",
    "<ip address='192.168.1.1' prefix='40'/>",
    "<ip family='ipx' address='192.168.1.1'/>",
    "<ip address='2001:db8::1' prefix='64'/>",
    "<ip family='ipv4' address='2001:db8::1'/>",
    "<ip family='ipv6' address='2001:db8::1' netmask='255.0.0.0'/>",
    "<ip family='ipv6' address='2001:db8::1' prefix='129'/>",
    "<ip address='192.168.1.1' netmask='ffff::'/>",
    "<ip address='192.168.1.1' prefix='x'/>",
    "<ip address='192.168.1.1' prefix='-1'/>",
    "<ip address='192.168.1.1' netmask='255.0.255.0'/>",
    "<ip address='10.1.1.1'/>",
    "<ip address='192.168.1.1' prefix='0'/>",
    "<ip address=' 192.168.1.1'/>",
]

POOL_HEAD = "<pool type='scsi'><name>p1</name><uuid>05aa281f-f6f4-423f-a3e3-a00e20d20b1b</uuid><source>"
POOL_TAIL = "</source><target><path>/dev/disk/by-path</path></target></pool>"
WWNS = "wwnn='20000000c9831b4b' wwpn='10000000c9831b4b'"
PARENTADDR = "<parentaddr unique_id='1'><address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/></parentaddr>"
# the pool's <adapter>
ADAPTERS = [
    "<adapter type='scsi_host' name='host0' parent='scsi_host5'/>",
    "<adapter name='host0' parent='scsi_host5'/>",
    "<adapter name='host0' wwnn='20000000c9831b4b'/>",
    f"<adapter name='host0'>{PARENTADDR}</adapter>",
    f"<adapter type='fc_host' name='host5' {WWNS}/>",
    f"<adapter type='fc_host' name='host5' parent='scsi_host3' {WWNS}/>",
    f"<adapter type='fc_host' name='host5' managed='no' parent_wwnn='20000000c9831b4b' parent_wwpn='10000000c9831b4b' parent='scsi_host3' parent_fabric_wwn='20000000c9831b4c' {WWNS}>{PARENTADDR}</adapter>",
    f"<adapter type='scsi_host' name='host0' {WWNS}/>",
    "<adapter type='scsi_host' name='host0' parent_wwnn='20000000c9831b4b'/>",
    "<adapter type='scsi_host' name='host0' managed='yes'/>",
    f"<adapter type='scsi_host' parent='x'>{PARENTADDR}</adapter>",
    "<adapter type='bogus' name='x'/>",
]

PART_HEAD = "<domain type='test'><name>c1</name><memory>1024</memory><vcpu>2</vcpu><os><type>hvm</type></os>"
# top-level parts and devices of a domain
PARTS = [
    "<pm><suspend-to-mem enabled='maybe'/></pm>",
    "<pm><suspend-to-mem enabled='yes'/><suspend-to-disk enabled='no'/></pm>",
    "<seclabel type='weird'/>",
    "<seclabel type='dynamic' relabel='maybe'/>",
    "<seclabel type='static' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c1</label></seclabel>",
    "<sysinfo type='weird'/>",
    "<sysinfo type='smbios'><bios><entry name='vendor'>x</entry></bios><baseBoard><entry name='product'>p</entry></baseBoard></sysinfo>",
    "<iothreadids><iothread id='x'/></iothreadids>",
    "<iothreadids><iothread id='0'/></iothreadids>",
    "<iothreadids><iothread id='2' thread_pool_min='x'/></iothreadids>",
    "<iothreads>x</iothreads>",
    "<iothreads>2</iothreads><iothreadids><iothread id='3'/></iothreadids>",
    "<blkiotune><weight>x</weight></blkiotune>",
    "<blkiotune><device><path>/a</path><weight>x</weight></device></blkiotune>",
    "<blkiotune><device><path>/a</path><read_iops_sec>x</read_iops_sec></device></blkiotune>",
    "<blkiotune><device><path>/a</path><write_bytes_sec>x</write_bytes_sec></device></blkiotune>",
    "<perf><event name='bogus' enabled='no'/></perf>",
    "<perf><event name='cmt' enabled='maybe'/></perf>",
    "<perf><event name='cmt' enabled='yes'/></perf>",
    "<os><type>hvm</type><loader readonly='maybe'>/x</loader></os>",
    "<os><type>hvm</type><loader type='flash'>/x</loader></os>",
    "<os><type>hvm</type><nvram type='weird'>/x</nvram></os>",
    "<devices><hub type='pci'/></devices>",
    "<devices><hub type='usb'/></devices>",
    "<devices><shmem name='a' role='x'/></devices>",
    "<devices><shmem name='a'><model type='x'/></shmem></devices>",
    "<devices><shmem name='a'><msi vectors='x'/></shmem></devices>",
    "<devices><shmem name='a'><msi ioeventfd='maybe'/></shmem></devices>",
    "<devices><lease><lockspace>s</lockspace><key>k</key><target path='/x' offset='x'/></lease></devices>",
    "<devices><lease><lockspace>s</lockspace><key>k</key><target path='/x' offset='1024'/></lease></devices>",
    "<devices><nvram><address type='spapr-vio' reg='x'/></nvram></devices>",
    "<devices><crypto model='virtio' type='qemu'><backend model='builtin' queues='x'/></crypto></devices>",
    "<resource><partition>/machine</partition></resource>",
    "<maxMemory slots='x' unit='KiB'>1024</maxMemory>",
    "<maxMemory slots='16' unit='KiB'>4096</maxMemory>",
    "<idmap><uid start='x' target='1000' count='10'/></idmap>",
    "<devices><redirfilter><usbdev allow='maybe'/></redirfilter></devices>",
    "<devices><redirfilter><usbdev class='0x08' vendor='0x1234' allow='yes'/></redirfilter></devices>",
    "<genid>43dc0cf8-809b-4adb-9bea-a9abb5f3d90e</genid>",
]

conn = libvirt.open('test:///default')
libvirt.registerErrorHandler(lambda *a: None, None)


def record(path, xmls, define, dump):
    """Defines each document and keeps libvirt's error or dump(object, printed XML)."""
    out = []
    for xml in xmls:
        try:
            obj = define(xml)
            printed = dump(obj)
            obj.undefine()
            out.append({'xml': xml, 'printed': printed})
        except libvirt.libvirtError as e:
            out.append({'xml': xml, 'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()})
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


def cputune_of(dom):
    m = re.search(r"  <cputune>\n.*?  </cputune>\n", dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), re.S)
    return m.group(0) if m else ''


record('test/fixtures/cputune-cases.json', [f"{HEAD}{t}<cputune>{c}</cputune>{TAIL}" for t, c in CPUTUNE], conn.defineXML, cputune_of)
record('test/fixtures/network-ip-cases.json', [f"{NET_HEAD}{c}</network>" for c in NETWORK], conn.networkDefineXML, lambda n: n.XMLDesc(0))
record('test/fixtures/domain-part-cases.json', [f"{PART_HEAD.replace('<os><type>hvm</type></os>', '') if c.startswith('<os>') else PART_HEAD}{c}</domain>" for c in PARTS], conn.defineXML, lambda d: '')
record('test/fixtures/pool-adapter-cases.json', [f"{POOL_HEAD}{a}{POOL_TAIL}" for a in ADAPTERS], conn.storagePoolDefineXML, lambda p: p.XMLDesc(0))
