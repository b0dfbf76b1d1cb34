#!/usr/bin/python3
"""Records libvirt 9.0's test driver answering virConnectBaselineCPU, with python3-libvirt.

    /usr/bin/python3 record.py > cases.json     (the recording baseline-cpu.test.ts compares with)

Each case is a list of CPU descriptions and a flags value; the answer is the XML or libvirt's
error. Families: every x86 model alone (with and without EXPAND_FEATURES), pairs of models across
generations and vendors, models with added features, vendors given or mixed, CPUs of features
only, and the refusals (unknown models and features, other architectures, bad documents).
"""
import itertools
import json
import sys

import libvirt

libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
conn = libvirt.open('test:///default')
MODELS = conn.getCPUModelNames('x86_64', 0)


def cpu(model=None, arch='x86_64', vendor=None, features=()):
    parts = [f'<arch>{arch}</arch>' if arch else '']
    if model:
        parts.append(f'<model>{model}</model>')
    if vendor:
        parts.append(f'<vendor>{vendor}</vendor>')
    parts += [f"<feature name='{f}'/>" for f in features]
    return f"<cpu>{''.join(parts)}</cpu>"


CASES = (
    [([cpu(m)], f) for m in MODELS for f in (0, 1)]
    + [([cpu(a), cpu(b)], 0) for a, b in itertools.combinations(MODELS[::4], 2)]
    + [([cpu(a), cpu(b)], 1) for a, b in [('Haswell', 'Skylake-Client'), ('EPYC', 'Opteron_G5'), ('Nehalem', 'Westmere'), ('Icelake-Server', 'Cascadelake-Server')]]
    + [([cpu('Haswell', features=['vmx']), cpu('Skylake-Client', features=['vmx'])], f) for f in (0, 1)]
    + [([cpu('Nehalem', features=fs)], f) for fs in (['aes'], ['avx', 'aes'], ['vmx', 'ssse3'], ['pdpe1gb', 'x2apic', 'hypervisor']) for f in (0, 1)]
    + [([cpu('Nehalem', vendor='Intel'), cpu('Westmere', vendor='Intel')], 0), ([cpu('Nehalem', vendor='Intel'), cpu('Westmere')], 0),
       ([cpu('Nehalem', vendor='Intel')], 0), ([cpu('Nehalem', vendor='Intel')], 1), ([cpu('Nehalem', vendor='AMD')], 0),
       ([cpu('EPYC', vendor='AMD'), cpu('Opteron_G3', vendor='AMD')], 0), ([cpu('Nehalem', vendor='Intel'), cpu('EPYC', vendor='AMD')], 0),
       ([cpu('Nehalem'), cpu('EPYC', vendor='AMD')], 0), ([cpu('Nehalem', vendor='Foo')], 0), ([cpu(vendor='Intel', features=['sse2', 'fpu'])], 0),
       ([cpu(features=['sse2', 'fpu', 'mmx', 'fxsr', 'cx8'])], 0), ([cpu(features=['sse2', 'fpu']), cpu(features=['fpu'])], 0),
       ([cpu(features=['sse2']), cpu(features=['fpu'])], 0), ([cpu('Nehalem'), cpu('Nehalem')], 0), ([cpu('Nehalem'), cpu('Nehalem')], 1),
       ([cpu('Nehalem'), cpu('Westmere'), cpu('Haswell')], 0), ([cpu('qemu64'), cpu('kvm64')], 0), ([cpu('486'), cpu('EPYC')], 0)]
    + [([cpu('Bogus')], 0), ([cpu('Nehalem', features=['bogus'])], 0), ([cpu('Nehalem', arch=None)], 0), ([cpu('Nehalem', arch='i686')], 0),
       ([cpu('POWER9', arch='ppc64')], 0), ([cpu('cortex-a57', arch='aarch64')], 0), ([cpu('z13', arch='s390x')], 0),
       ([cpu(arch='x86_64')], 0), (['<cpu/>'], 0), (['<cpu>'], 0), (['<domain/>'], 0), ([], 0),
       (["<capabilities><host><cpu><arch>x86_64</arch><model>Westmere</model><vendor>Intel</vendor></cpu></host></capabilities>"], 0),
       (["<cpu mode='host-model'><arch>x86_64</arch><model>Nehalem</model></cpu>"], 0),
       (["<cpu><arch>x86_64</arch><model>Nehalem</model><feature policy='disable' name='sse4.2'/></cpu>"], 0),
       ([cpu('Nehalem', arch='x86_64'), cpu('POWER9', arch='ppc64')], 0)]
)


def record(cpus, flags):
    try:
        return {'cpus': cpus, 'flags': flags, 'xml': conn.baselineCPU(cpus, flags)}
    except libvirt.libvirtError as e:
        return {'cpus': cpus, 'flags': flags, 'code': e.get_error_code(), 'domain': e.get_error_domain(), 'message': e.get_error_message()}


json.dump([record(c, f) for c, f in CASES], sys.stdout, indent=1)
sys.stdout.write('\n')
