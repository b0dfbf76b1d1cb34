import { at, attr, body, child, childText, list, model } from '../../model/binding.js';
import { ErrorDomain } from '@tsvirt/util';
import { oneOf, supportedIn, uint, yesNo } from '../../model/codec.js';

/** `<cpu>`: the guest CPU model, topology, features and NUMA cells; what a driver adds goes where libvirt writes it. */
export const CPU = model('cpu', () => ({
  mode: attr('mode', supportedIn(ErrorDomain.CPU, (s) => `Invalid mode attribute '${s}'`, 'custom', 'host-model', 'host-passthrough', 'maximum')),
  match: attr('match', oneOf('minimum', 'exact', 'strict')),
  check: attr('check', oneOf('none', 'partial', 'full')),
  migratable: attr('migratable', oneOf('on', 'off')),
  model: child('model', { name: body(), fallback: attr('fallback', oneOf('allow', 'forbid')), vendorId: attr('vendor_id') }),
  vendor: at('vendor', body()),
  // A host CPU's architecture (capabilities, baseline input).
  arch: childText('arch'),
  topology: child('topology', { sockets: attr('sockets', uint), dies: attr('dies', uint), clusters: attr('clusters', uint), cores: attr('cores', uint), threads: attr('threads', uint) }),
  cache: child('cache', { level: attr('level', uint), mode: attr('mode', oneOf('emulate', 'passthrough', 'disable')) }),
  features: list('feature', { policy: attr('policy', oneOf('force', 'require', 'optional', 'disable', 'forbid')), name: attr('name') }),
  numa: child('numa', {
    cells: list('cell', {
      id: attr('id', uint),
      cpus: attr('cpus'),
      memory: attr('memory', uint),
      unit: attr('unit'),
      memAccess: attr('memAccess', oneOf('shared', 'private')),
      discard: attr('discard', yesNo),
    }),
  }),
}), { newInShapeOrder: true });
