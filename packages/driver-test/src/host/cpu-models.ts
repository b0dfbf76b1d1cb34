import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';

/** libvirt 9.0's architecture names (virArch), without `none`, which no lookup accepts. */
const ARCHES = new Set([
  'alpha', 'armv6l', 'armv7l', 'armv7b', 'aarch64', 'cris', 'i686', 'ia64', 'lm32', 'm68k', 'microblaze', 'microblazeel',
  'mips', 'mipsel', 'mips64', 'mips64el', 'openrisc', 'parisc', 'parisc64', 'ppc', 'ppcle', 'ppc64', 'ppc64le', 'ppcemb',
  'riscv32', 'riscv64', 's390', 's390x', 'sh4', 'sh4eb', 'sparc', 'sparc64', 'unicore32', 'x86_64', 'xtensa', 'xtensaeb',
]);

/** The x86 models of libvirt 9.0's CPU map, in its order. */
const X86_MODELS = [
  '486', 'pentium', 'pentium2', 'pentium3', 'pentiumpro', 'coreduo', 'n270', 'core2duo', 'qemu32', 'kvm32', 'cpu64-rhel5',
  'cpu64-rhel6', 'qemu64', 'kvm64', 'Conroe', 'Penryn', 'Nehalem', 'Nehalem-IBRS', 'Westmere', 'Westmere-IBRS', 'SandyBridge',
  'SandyBridge-IBRS', 'IvyBridge', 'IvyBridge-IBRS', 'Haswell-noTSX', 'Haswell-noTSX-IBRS', 'Haswell', 'Haswell-IBRS',
  'Broadwell-noTSX', 'Broadwell-noTSX-IBRS', 'Broadwell', 'Broadwell-IBRS', 'Skylake-Client', 'Skylake-Client-IBRS',
  'Skylake-Client-noTSX-IBRS', 'Skylake-Server', 'Skylake-Server-IBRS', 'Skylake-Server-noTSX-IBRS', 'Cascadelake-Server',
  'Cascadelake-Server-noTSX', 'Icelake-Client', 'Icelake-Client-noTSX', 'Icelake-Server', 'Icelake-Server-noTSX', 'Cooperlake',
  'Snowridge', 'athlon', 'phenom', 'Opteron_G1', 'Opteron_G2', 'Opteron_G3', 'Opteron_G4', 'Opteron_G5', 'EPYC', 'EPYC-IBPB',
  'EPYC-Rome', 'EPYC-Milan', 'Dhyana',
];

/** The POWER models of the CPU map. */
const PPC64_MODELS = ['POWER6', 'POWER7', 'POWER8', 'POWER9', 'POWER10', 'POWERPC_e5500', 'POWERPC_e6500'];

/**
 * The model list each CPU driver gives per architecture: x86 and POWER list their maps, the s390
 * and ARM drivers list nothing (they take any model name).
 */
const MODELS_BY_ARCH: ReadonlyMap<string, readonly string[]> = new Map([
  ['i686', X86_MODELS], ['x86_64', X86_MODELS], ['ppc64', PPC64_MODELS], ['ppc64le', PPC64_MODELS],
  ['s390', []], ['s390x', []], ['armv6l', []], ['armv7l', []], ['armv7b', []], ['aarch64', []],
]);

/** testConnectGetCPUModelNames: the models of libvirt's CPU map for `arch`. */
export function cpuModelNames(arch: string, flags: number): string[] {
  checkFlags(flags, 0, 'testConnectGetCPUModelNames', ErrorDomain.TEST);
  if (!ARCHES.has(arch)) throw new VirError(ErrorCode.INVALID_ARG, `cannot find architecture ${arch}`, ErrorDomain.CPU);
  const models = MODELS_BY_ARCH.get(arch);
  if (!models) throw new VirError(ErrorCode.NO_SUPPORT, `'${arch}' architecture is not supported by CPU driver`, ErrorDomain.CPU);
  return [...models];
}
