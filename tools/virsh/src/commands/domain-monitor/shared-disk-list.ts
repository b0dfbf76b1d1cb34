import type { SharedDiskEntry } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { jsonOpt, printTable, type Column } from '../../vsh/report.js';

const COLUMNS: readonly Column<SharedDiskEntry>[] = [
  { title: 'Key', key: 'key', value: (r) => r.key },
  { title: 'Path', key: 'path', value: (r) => r.path },
  { title: 'Sgio', key: 'sgio', value: (r) => r.sgio },
  { title: 'Domains', key: 'domains', value: (r) => r.domains, text: (r) => r.domains.join(',') },
];

/** tsvirsh's own: which active domains hold each shared block device (the QEMU driver's shared-disk table). */
export const sharedDiskList: CommandDef = {
  name: 'shared-disk-list',
  group: 'monitor',
  help: 'list shared disks and the domains using them',
  desc: 'Lists each shared block device the hypervisor tracks: its major:minor, path, sgio state and the active domains holding it.',
  options: [jsonOpt],
  async run(ctl, cmd) {
    printTable(ctl, cmd, COLUMNS, await (await ctl.connect()).listSharedDisks());
    return true;
  },
};
