# Runs block I/O tuning steps (JSON on stdin) against libvirt 9.0's test driver; prints each outcome as JSON.
import json, re, sys
import libvirt

libvirt.registerErrorHandler(lambda *a: None, None)
conn = libvirt.open('test:///default')
dom = conn.lookupByName('test')
out = []
for op, disk, params, flags in json.load(sys.stdin):
    try:
        if op == 'get':
            r = {k: str(v) for k, v in dom.blockIoTune(disk, flags).items() if v}
        elif op == 'set':
            r = dom.setBlockIoTune(disk, {k: (v if k == 'group_name' else int(v)) for k, v in params.items()}, flags)
        elif op == 'xml':
            r = re.findall(r'<iotune>.*?</iotune>', dom.XMLDesc(flags), re.S)
        else:
            r = dom.destroy()
        out.append({'ok': r})
    except libvirt.libvirtError as e:
        out.append({'err': [e.get_error_code(), e.get_error_domain(), e.get_error_message()]})
print(json.dumps(out))
