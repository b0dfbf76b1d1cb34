import { jsonOpt, printFields, type Field } from '../../vsh/report.js';
import { objectCommand } from '../shared/object-command.js';
import { NETWORK, type NetworkLookupWays } from './network-common.js';

const yesNo = (v: boolean): string => (v ? 'yes' : 'no');

export const netInfo = objectCommand({
  name: 'net-info',
  group: 'network',
  help: 'network information',
  desc: 'Returns basic information about the network',
  object: NETWORK,
  options: [jsonOpt],
  async run(net, ctl, cmd) {
    const fields: Field[] = [
      { label: 'Name:', key: 'name', value: net.getName() },
      { label: 'UUID:', key: 'uuid', value: net.getUUIDString() },
    ];
    const add = async <T extends boolean | string>(label: string, key: string, get: () => Promise<T>, text: (v: T) => string): Promise<void> => {
      try {
        const v = await get();
        fields.push({ label, key, value: v, text: text(v) });
      } catch {
        // virsh leaves out a line whose value it cannot get
      }
    };
    await add('Active:', 'active', () => net.isActive(), yesNo);
    await add('Persistent:', 'persistent', () => net.isPersistent(), yesNo);
    await add('Autostart:', 'autostart', () => net.getAutostart(), yesNo);
    await add('Bridge:', 'bridge', () => net.getBridgeName(), String);
    printFields(ctl, cmd, fields, 15);
  },
});

/** net-name and net-uuid: look a network up by the one and print the other. */
function conversion(name: string, help: string, objectHelp: string, ways: NetworkLookupWays, show: 'name' | 'uuid') {
  return objectCommand({
    name,
    group: 'network',
    help,
    object: NETWORK,
    objectHelp,
    ways,
    async run(net, ctl) {
      ctl.print(`${show === 'name' ? net.getName() : net.getUUIDString()}\n`);
    },
  });
}

export const netName = conversion('net-name', 'convert a network UUID to network name', 'network uuid', { byUUID: true }, 'name');
export const netUUID = conversion('net-uuid', 'convert a network name to network UUID', 'network name', { byName: true }, 'uuid');
