import { DomainCoreDumpFlags as C, DomainCoreDumpFormat as Fmt } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';

const FORMATS: Readonly<Record<string, number>> = {
  'kdump-zlib': Fmt.KDUMP_ZLIB, 'kdump-lzo': Fmt.KDUMP_LZO, 'kdump-snappy': Fmt.KDUMP_SNAPPY, 'win-dmp': Fmt.WIN_DMP, elf: Fmt.RAW,
};

const FLAG_OPTS: ReadonlyArray<readonly [string, number]> = [
  ['live', C.LIVE], ['crash', C.CRASH], ['bypass-cache', C.BYPASS_CACHE], ['reset', C.RESET], ['memory-only', C.MEMORY_ONLY],
];

export const dump: CommandDef = {
  name: 'dump',
  group: 'domain',
  help: 'dump the core of a domain to a file for analysis',
  desc: 'Core dump a domain.',
  options: [
    domainOpt(),
    { name: 'file', type: 'string', positional: true, required: true, help: 'where to dump the core' },
    boolOpt('live', 'perform a live core dump if supported'),
    boolOpt('crash', 'crash the domain after core dump'),
    boolOpt('bypass-cache', 'avoid file system cache when dumping'),
    boolOpt('reset', 'reset the domain after core dump'),
    boolOpt('verbose', 'display the progress of dump'),
    boolOpt('memory-only', "dump domain's memory only"),
    { name: 'format', type: 'string', help: 'specify the format of memory-only dump' },
  ],
  async run(ctl, cmd) {
    const name = cmd.required('domain');
    const file = cmd.required('file');
    const dom = await domainArg(ctl, cmd);
    const flags = FLAG_OPTS.reduce((f, [opt, bit]) => (cmd.bool(opt) ? f | bit : f), 0);
    const formatName = cmd.string('format');
    let format: number = Fmt.RAW;
    if (formatName !== undefined) {
      if (!(flags & C.MEMORY_ONLY)) throw new VshError('--format only works with --memory-only');
      const f = FORMATS[formatName];
      if (f === undefined) throw new VshError(`format '${formatName}' is not supported, expecting 'kdump-zlib', 'kdump-lzo', 'kdump-snappy', 'win-dmp' or 'elf'`);
      format = f;
    }
    try {
      await dom.coreDumpWithFormat(file, format, flags);
    } catch (e) {
      throw new CommandFailed(`Failed to core dump domain '${name}' to ${file}`, e);
    }
    ctl.extra(`\nDomain '${name}' dumped to ${file}\n`);
    return true;
  },
};
