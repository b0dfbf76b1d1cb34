#!/usr/bin/python3
"""Records how libvirt 9.0 (python3-libvirt on test:///default) answers each pool and volume
definition of test/fixtures/storage-error-inputs.json into test/fixtures/storage-errors.json.
A volume is created in a transient pool made from its `pool` document."""
import json
import pathlib
import libvirt

HERE = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures'
libvirt.registerErrorHandler(lambda *a: None, None)
conn = libvirt.open('test:///default')


def answer(case):
    pool = None
    try:
        if 'pool' in case:
            pool = conn.storagePoolCreateXML(case['pool'], 0)
            pool.createXML(case['xml'], 0)
        else:
            conn.storagePoolDefineXML(case['xml'], 0).undefine()
        return {'accepted': True}
    except libvirt.libvirtError as e:
        return {'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()}
    finally:
        if pool is not None:
            for name in pool.listVolumes():
                pool.storageVolLookupByName(name).delete(0)
            pool.destroy()


cases = json.loads((HERE / 'storage-error-inputs.json').read_text())
out = [{**case, **answer(case)} for case in cases]
(HERE / 'storage-errors.json').write_text(json.dumps(out, indent=1) + '\n')
print(f'{len(out)} cases recorded')
