#!/usr/bin/python3
"""Records the video and input defaults libvirt 9.0's generic domain code fills in, and the disk
targets it refuses (python3-libvirt, test:///default): the <devices> element printed, or the error.
Writes test/fixtures/device-default-cases.json; run from packages/conf."""
import json
import re
import libvirt

OS_TYPES = ['hvm', 'xen', 'linux']
ARCHES = ['', 'x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64', 'ppc64le', 's390x', 'riscv64']
EVDEV = "<source evdev='/dev/input/event1'/>"
INPUTS = [
    "<input type='mouse'/>", "<input type='keyboard'/>", "<input type='tablet'/>",
    f"<input type='passthrough'>{EVDEV}</input>", "<input type='evdev'><source dev='/dev/input/event1'/></input>",
    "<input type='mouse' bus='ps2'/>", "<input type='tablet' bus='ps2'/>", "<input type='keyboard' bus='xen'/>",
    "<input type='mouse' bus='virtio'/>", "<input type='tablet' bus='usb'/>", "<input type='mouse' bus='xen'/>",
    "<input type='tablet' bus='xen'/>", "<input type='evdev' bus='usb'><source dev='/dev/input/event1'/></input>",
    f"<input type='passthrough' bus='usb'>{EVDEV}</input>", "<input type='keyboard' bus='parallels'/>",
    "<input type='mouse' bus='none'/>",
]
VIDEO_TYPES = ['', 'vga', 'cirrus', 'vmvga', 'xen', 'vbox', 'qxl', 'parallels', 'virtio', 'gop', 'none', 'bochs', 'ramfb']
VIDEOS = [f"<video><model type='{t}'/></video>" if t else "<video/>" for t in VIDEO_TYPES] + [
    "<video><model type='vga' vram='1000' heads='2'/></video>",
    "<video><model type='qxl' ram='1000' vram='3000' vgamem='100' vram64='5000'/></video>",
    "<video><model type='qxl' vram='0'/></video>",
    "<video><model type='cirrus' heads='0'/></video>",
    "<video><model type='none'/></video><video><model type='vga'/></video>",
    "<video><model type='vga'/></video><video><model type='qxl' primary='yes'/></video>",
    "<video><model type='vga' primary='yes'/></video><video><model type='qxl' primary='yes'/></video>",
    "<video><model type='virtio'/></video><video><model type='virtio'/></video>",
    "<video><model type='bogus'/></video>",
    "<video><model type='vga' vram='x'/></video>",
]
GRAPHICS = ["", "<graphics type='vnc'/>", "<graphics type='egl-headless'/>", "<graphics type='sdl'/>"]
DISK = "<disk type='file' device='{dev}'><source file='/tmp/x'/><target dev='{tgt}'{bus}/></disk>"
TARGETS = [
    ('disk', 'vda', ''), ('disk', 'vd0', ''), ('disk', 'sda0', ''), ('disk', 'sda', " bus='scsi'"), ('disk', 'xyz', ''),
    ('disk', 'hda1', ''), ('disk', 'vdaa', ''), ('disk', 'vdzz', ''), ('disk', 'vdaaa', ''), ('disk', 'vd', ''),
    ('disk', 'sd', " bus='scsi'"), ('disk', 'sdA', " bus='scsi'"), ('disk', 'fda', " bus='fdc'"), ('floppy', 'fda', ''),
    ('disk', 'xvda', " bus='xen'"), ('disk', 'ubda', " bus='uml'"), ('disk', 'nvme0n1', ''), ('disk', 'hdb', " bus='ide'"),
    ('disk', 'vda', " bus='ide'"), ('disk', 'sda', " bus='virtio'"), ('cdrom', 'hdc', ''), ('cdrom', 'sdb', ''),
    ('disk', 'vdb1', ''), ('disk', 'vd_a', ''), ('disk', 'Vda', ''), ('disk', 'emmca', ''), ('disk', 'vdzzzz', ''),
    ('disk', 'vdaaaaaaa', ''), ('disk', 'vd0', "/><address type='pci' domain='0' bus='0' slot='5' function='0'"),
    ('disk', 'xyz', " bus='scsi'/><address type='drive' controller='0' bus='0' target='0' unit='3'"), ('disk', 'foo', " bus='sata'"), ('disk', 'sdb', " bus='usb'"), ('disk', 'vd-a', ''),
    ('lun', 'sda', " bus='scsi'"), ('disk', 'hd', ''), ('disk', 'vda0', ''), ('disk', 'sda9', " bus='scsi'"),
    ('disk', 'vdfxshrxw', ''), ('disk', 'vdfxshrxx', ''), ('disk', 'vdfxshrxy', ''), ('disk', 'vdaaaaaaaa', ''),
    ('disk', 'vda99999999999', ''), ('disk', 'vda-1', ''), ('disk', 'vda1a', ''), ('disk', 'vdA', ''),
    ('disk', 'xvda', ''), ('disk', 'ubda', ''), ('floppy', 'hda', " bus='ide'"), ('cdrom', 'fda', ''),
] + [(dev, tgt, f" bus='{bus}'/><address type='drive' controller='0' bus='0' target='0' unit='3'")
     for dev in ['disk', 'cdrom', 'floppy'] for tgt in ['xyz', 'vd0', 'sd', 'sda0'] for bus in ['scsi', 'ide', 'sata', 'virtio', 'usb', 'fdc']]


def doc(os_type, arch, devices):
    a = f" arch='{arch}'" if arch else ''
    return f"<domain type='test'><name>d</name><memory>1024</memory><os><type{a}>{os_type}</type></os><devices>{devices}</devices></domain>"


DEFAULTS = (
    [doc(o, a, i) for o in OS_TYPES for a in ARCHES for i in INPUTS]
    + [doc(o, a, g + v) for o in OS_TYPES for a in ['', 'ppc64', 'aarch64'] for g in GRAPHICS[:2] for v in VIDEOS]
    + [doc(o, a, g) for o in OS_TYPES for a in ARCHES for g in GRAPHICS[1:]]
)
# (Targets with many letters on a bus of drive addresses are left out: libvirt then adds controllers up to the index.)
DISKS = [doc('hvm', '', DISK.format(dev=d, tgt=t, bus=b)) for d, t, b in TARGETS]

conn = libvirt.open('test:///default')


def record(path, xmls):
    out = []
    for xml in xmls:
        try:
            dom = conn.defineXML(xml)
            printed = re.search(r"  <devices>\n.*?  </devices>\n|  <devices/>\n", dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), re.S)
            dom.undefine()
            out.append({'xml': xml, 'printed': printed.group(0) if printed else ''})
        except libvirt.libvirtError as e:
            out.append({'xml': xml, 'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()})
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


record('test/fixtures/device-default-cases.json', DEFAULTS)
record('test/fixtures/disk-target-cases.json', DISKS)
