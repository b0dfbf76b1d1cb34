/** One NUMA cell of the mock host, as its capabilities show it. */
export interface TestCell {
  /** KiB. */
  readonly memory: number;
  /** The page size (KiB) whose pages cover the cell's memory. */
  readonly pageSize: number;
  readonly cpus: number;
  /** KiB free, as libvirt's test driver keeps it (half the memory). */
  readonly freeMem: number;
}

/** test:///default's two cells; a custom config has none. */
export const DEFAULT_CELLS: readonly TestCell[] = [
  { memory: 2097152, pageSize: 4, cpus: 8, freeMem: 1048576 },
  { memory: 4194304, pageSize: 8, cpus: 8, freeMem: 2097152 },
];

const PAGE_SIZES = [4, 8, 2048, 1048576];
const features = (pad: string): string => `${pad}<features>\n${pad}  <pae/>\n${pad}  <nonpae/>\n${pad}</features>\n`;

function cellXML(cell: TestCell, id: number, firstCpu: number): string {
  const pages = [cell.pageSize, 2048, 1048576]
    .map((size) => `          <pages unit='KiB' size='${size}'>${size === cell.pageSize ? (cell.memory / size) : 0}</pages>\n`).join('');
  const cpus = Array.from({ length: cell.cpus }, (_, core) => {
    const cpu = firstCpu + core;
    return `            <cpu id='${cpu}' socket_id='${id}' die_id='0' core_id='${core}' siblings='${cpu}'/>\n`;
  }).join('');
  return `        <cell id='${id}'>\n          <memory unit='KiB'>${cell.memory}</memory>\n${pages}` +
    `          <cpus num='${cell.cpus}'>\n${cpus}          </cpus>\n        </cell>\n`;
}

function guestXML(osType: string, arch: string): string {
  return `  <guest>\n    <os_type>${osType}</os_type>\n    <arch name='${arch}'>\n      <wordsize>32</wordsize>\n` +
    `      <emulator>/usr/bin/test-hv</emulator>\n      <domain type='test'/>\n    </arch>\n${features('    ')}  </guest>\n\n`;
}

/** The capabilities document of libvirt's test driver (blank lines between sections included). */
export function testCapabilitiesXML(cells: readonly TestCell[], secModel: string): string {
  let firstCpu = 0;
  const cellsXML = cells.map((c, id) => {
    const xml = cellXML(c, id, firstCpu);
    firstCpu += c.cpus;
    return xml;
  }).join('');
  const pages = PAGE_SIZES.map((s) => `      <pages unit='KiB' size='${s}'/>\n`).join('');
  return `<capabilities>\n\n  <host>\n    <cpu>\n      <arch>i686</arch>\n${features('      ')}${pages}    </cpu>\n` +
    `    <power_management/>\n    <iommu support='no'/>\n    <topology>\n      <cells num='${cells.length}'>\n${cellsXML}      </cells>\n    </topology>\n` +
    `    <secmodel>\n      <model>${secModel}</model>\n      <doi></doi>\n    </secmodel>\n  </host>\n\n` +
    `${guestXML('hvm', 'i686')}${guestXML('xen', 'i686')}</capabilities>\n`;
}

/** The SMBIOS data libvirt's test driver reports for every host. */
export const TEST_SYSINFO_XML = `<sysinfo type='smbios'>
  <bios>
    <entry name='vendor'>LENOVO</entry>
    <entry name='version'>G4ETA1WW (2.61 )</entry>
    <entry name='date'>05/07/2014</entry>
    <entry name='release'>2.61</entry>
  </bios>
</sysinfo>
`;

/** The fixed CPU counters (nanoseconds) libvirt's test driver reports for any CPU. */
export const TEST_CPU_STATS: ReadonlyArray<readonly [string, bigint]> = [
  ['user', 9797400000n], ['kernel', 34678723400000n], ['idle', 87264900000n], ['iowait', 763600000n],
];
