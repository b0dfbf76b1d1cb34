import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';

/** virsh prints nothing of its own: a failure is libvirt's error alone. */
export const injectNmi = objectCommand({
  name: 'inject-nmi',
  group: 'domain',
  help: 'Inject NMI to the guest',
  desc: 'Inject NMI to the guest domain.',
  object: DOMAIN,
  async run(dom) {
    await dom.injectNMI();
    return true;
  },
});
