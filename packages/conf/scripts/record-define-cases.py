#!/usr/bin/python3
"""Records how libvirt 9.0 (python3-libvirt, test:///default) answers <cputune> variants: the error
(code, domain, message) or the <cputune> element its dumpxml prints. Writes
test/fixtures/cputune-cases.json; run from packages/conf."""
import json
import re
import libvirt

HEAD = "<domain type='test'><name>t</name><memory>1024</memory><vcpu>4</vcpu>"
TAIL = "<os><type>hvm</type></os></domain>"
CACHE = "<cache id='0' level='3' type='both' size='3' unit='MiB'/>"

# (threads part, cputune content)
CASES = [
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

conn = libvirt.open('test:///default')
libvirt.registerErrorHandler(lambda *a: None, None)
out = []
for threads, tune in CASES:
    xml = f"{HEAD}{threads}<cputune>{tune}</cputune>{TAIL}"
    try:
        dom = conn.defineXML(xml)
        dumped = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        dom.undefine()
        m = re.search(r"  <cputune>\n.*?  </cputune>\n", dumped, re.S)
        out.append({'xml': xml, 'cputune': m.group(0) if m else ''})
    except libvirt.libvirtError as e:
        out.append({'xml': xml, 'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()})
with open('test/fixtures/cputune-cases.json', 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
