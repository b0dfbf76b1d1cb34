#!/usr/bin/python3
"""Records how libvirt 9.0 (python3-libvirt, test:///default) reads sizes near and past 2^53 and
2^64: domain memory sizes (the <memory>, <currentMemory> and <memtune> lines it prints, or its
error) and volume capacity/allocation (the lines it prints, or its error). Writes
test/fixtures/size-cases.json; run from packages/conf."""
import json
import re
import libvirt

DOM = "<domain type='test'><name>s1</name>{}<os><type>hvm</type></os></domain>"
MEMORY = [
    "<memory>1</memory>",
    "<memory unit='b'>1025</memory>",
    "<memory unit='KiB'>9007199254740991</memory>",
    "<memory unit='KiB'>9007199254740992</memory>",
    "<memory>9007199254740993</memory>",
    "<memory unit='b'>9223372036854775807</memory>",
    "<memory unit='b'>9223372036854774784</memory>",
    "<memory unit='b'>9223372036854774785</memory>",
    "<memory unit='b'>9223372036854775808</memory>",
    "<memory unit='bytes'>18446744073709551615</memory>",
    "<memory unit='B'>18446744073709551616</memory>",
    "<memory unit='E'>7</memory>",
    "<memory unit='E'>8</memory>",
    "<memory unit='EiB'>7</memory>",
    "<memory unit='EB'>9</memory>",
    "<memory unit='EB'>10</memory>",
    "<memory unit='P'>8</memory>",
    "<memory unit='PB'>8</memory>",
    "<memory unit='T'>8191</memory>",
    "<memory unit='G'>1</memory>",
    "<memory unit='GB'>1</memory>",
    "<memory unit='MB'>1</memory>",
    "<memory unit='kB'>3</memory>",
    "<memory unit='k'>3</memory>",
    "<memory unit='Q'>3</memory>",
    "<memory unit='KiB'>2</memory><currentMemory unit='P'>8</currentMemory>",
    "<memory unit='E'>7</memory><currentMemory unit='b'>9223372036854775807</currentMemory>",
    "<memory unit='E'>7</memory><currentMemory unit='E'>7</currentMemory>",
    "<memory>1024</memory><memtune><hard_limit unit='P'>8</hard_limit></memtune>",
    "<memory>1024</memory><memtune><soft_limit unit='KiB'>9007199254740991</soft_limit></memtune>",
    "<memory>1024</memory><memtune><swap_hard_limit unit='E'>7</swap_hard_limit></memtune>",
]

POOL = 'default-pool'
VOL = "<volume><name>v1</name>{}</volume>"
VOLUME = [
    "<capacity>9007199254740993</capacity><allocation>0</allocation>",
    "<capacity unit='P'>8</capacity><allocation>0</allocation>",
    "<capacity>9007199254740992000</capacity><allocation>0</allocation>",
    "<capacity unit='e'>1</capacity><allocation>0</allocation>",
    "<capacity unit='E'>7</capacity><allocation unit='KiB'>1</allocation>",
    "<capacity unit='E'>8</capacity><allocation>0</allocation>",
    "<capacity unit='EB'>9</capacity><allocation>0</allocation>",
    "<capacity unit='EB'>10</capacity><allocation>0</allocation>",
    "<capacity>9223372036854775807</capacity><allocation>0</allocation>",
    "<capacity>9223372036854775808</capacity><allocation>0</allocation>",
    "<capacity>18446744073709551615</capacity><allocation>0</allocation>",
    "<capacity>18446744073709551616</capacity><allocation>0</allocation>",
    "<capacity unit='bytes'>1</capacity><allocation unit='KiB'>9007199254740993</allocation>",
    "<capacity unit='Q'>1</capacity>",
    "<capacity>1</capacity><allocation>18446744073709551616</allocation>",
]

conn = libvirt.open('test:///default')
libvirt.registerErrorHandler(lambda *a: None, None)
SIZE_LINE = re.compile(r"^ *<(memory|currentMemory|hard_limit|soft_limit|swap_hard_limit|capacity|allocation|physical)\b.*\n", re.M)


def sizes(printed):
    return ''.join(m.group(0) for m in SIZE_LINE.finditer(printed))


def answer(kind, xml, define):
    try:
        obj = define(xml)
        printed = sizes(obj.XMLDesc(0))
        obj.delete(0) if kind == 'volume' else obj.undefine()
        return {'kind': kind, 'xml': xml, 'printed': printed}
    except libvirt.libvirtError as e:
        return {'kind': kind, 'xml': xml, 'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()}


pool = conn.storagePoolLookupByName(POOL)
out = [answer('domain', DOM.format(m), conn.defineXML) for m in MEMORY]
out += [answer('volume', VOL.format(v), lambda x: pool.createXML(x, 0)) for v in VOLUME]
with open('test/fixtures/size-cases.json', 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
