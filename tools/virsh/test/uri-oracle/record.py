#!/usr/bin/python3
"""Records what python3-libvirt 9.0's virConnectOpen answers for URIs of the local drivers and the
remote driver: the connection's URI, or libvirt's error (code, error domain, message).

    /usr/bin/python3 record.py > cases.json     (the recording uri-oracle.test.ts compares with)

Run as root beside Debian's libvirtd (qemu:///system and lxc:/// are opened through it), with no
CA certificate in /etc/pki/CA and nothing listening on 127.0.0.1:1.
"""
import json
import sys

import libvirt

URIS = [
    'test:///default', 'test://', 'test:', 'test:/default', 'test:///nonexistent.xml', 'TEST:///default',
    'qemu:///foo', 'qemu:///system/x', 'qemu:///', 'qemu://', 'qemu:', 'qemu:/system', 'qemu:system', 'qemu:session',
    'qemu:///embed', 'qemu:///embed?root=relative', 'qemu:///embed?root=', 'QEMU:///system', 'qemu:///system',
    'lxc:///foo', 'lxc:///system', 'lxc:///', 'lxc://', 'lxc:', 'lxc:///session', 'LXC:///', 'lxc:///embed',
    'lxc:///embed?root=', 'lxc:///embed?root=rel',
    'qemu+unix:///foo', 'qemu+unix:///system?socket=/nonexistent', 'lxc+unix:///foo', 'test+unix:///default?socket=/nonexistent',
    'qemu+bogus:///system', 'qemu+tcp://127.0.0.1:1/system', 'qemu+unix://host/system', 'test+unix://host/default',
    'qemu://localhost/system', 'lxc://localhost/', 'qemu+unix:///system?mode=bogus', 'qemu+unix:///system?mode=direct&socket=/nonexistent',
    'bogus:///', 'bogus://host/',
    'test:///default?x=1', 'test:/default?x=1&y=a+b', 'qemu:///system?x=1', 'qemu:/system?x=1&y=2&x=3', 'lxc:///?y=a%20b',
    'lxc:///system?x=1',
]


def answer(uri):
    try:
        conn = libvirt.open(uri)
        try:
            return {'uri': conn.getURI()}
        finally:
            conn.close()
    except libvirt.libvirtError as e:
        return {'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()}


libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
json.dump([{'open': u, **answer(u)} for u in URIS], sys.stdout, indent=1)
sys.stdout.write('\n')
