#!/usr/bin/python3
"""Records how libvirt 9.0's secret driver (python3-libvirt on secret:///embed?root=TMP, a fresh
process and root per case: an embedded driver opens once per process) answers each definition of
test/fixtures/secret-xml-inputs.json: its XML back when accepted (a UUID it generated shown as
GENERATED), else the error's code, domain and message. Ephemeral secrets crash libvirt 9.0's
embedded secret driver, so the inputs keep ephemeral='no'."""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures'


def answer(xml):
    import libvirt
    libvirt.registerErrorHandler(lambda *a: None, None)
    libvirt.virEventRegisterDefaultImpl()
    root = tempfile.mkdtemp(prefix='secret-oracle.')
    try:
        conn = libvirt.open(f'secret:///embed?root={root}')
        try:
            secret = conn.secretDefineXML(xml, 0)
            out = secret.XMLDesc(0)
            if secret.UUIDString() not in xml.lower():
                out = out.replace(secret.UUIDString(), 'GENERATED')
            return {'accepted': out}
        except libvirt.libvirtError as e:
            return {'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()}
    finally:
        shutil.rmtree(root)


if len(sys.argv) > 1:
    print(json.dumps(answer(sys.argv[1])))
    sys.exit(0)
cases = json.loads((HERE / 'secret-xml-inputs.json').read_text())
out = [{'xml': xml, **json.loads(subprocess.check_output([sys.executable, __file__, xml], timeout=30))} for xml in cases]
(HERE / 'secret-xml.json').write_text(json.dumps(out, indent=1) + '\n')
print(f'{len(out)} cases recorded')
