import { POOL_TYPES, POOL_TYPE_NAMES, type FormatRules } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { BACKENDS, missingBackend } from './pool-xml.js';

const D = ErrorDomain.STORAGE;
/** Pool types whose volume formats libvirt accepts but does not enumerate in the capabilities. */
const UNLISTED_VOL_FORMATS = new Set(['rbd']);

/** One `<poolOptions>` or `<volOptions>` block: the default format and the enumeration of formats. */
function options(tag: string, enumName: string, rules: FormatRules | undefined, listed = true): string {
  if (!rules) return '';
  const values = (listed ? rules.names : []).map((n) => `        <value>${n}</value>\n`).join('');
  return `    <${tag}>\n      <defaultFormat type='${rules.dflt}'/>\n      <enum name='${enumName}'>\n${values}      </enum>\n    </${tag}>\n`;
}

/**
 * virConnectGetStoragePoolCapabilities: every pool type libvirt knows, supported when this driver
 * has its backend, with the source and volume formats of each (conf's pool type table).
 */
export function poolCapabilitiesXML(flags: number): string {
  checkFlags(flags, 0, 'storageConnectGetStoragePoolCapabilities', D);
  const pools = POOL_TYPE_NAMES.map((type) => {
    const info = POOL_TYPES[type]!;
    return `  <pool type='${type}' supported='${BACKENDS.has(type) ? 'yes' : 'no'}'>\n` +
      options('poolOptions', 'sourceFormatType', info.poolFormats) + options('volOptions', 'targetFormatType', info.volFormats, !UNLISTED_VOL_FORMATS.has(type)) + '  </pool>\n';
  });
  return `<storagepoolCapabilities>\n${pools.join('')}</storagepoolCapabilities>\n`;
}

/** virConnectFindStoragePoolSources: the dir backend discovers nothing, and it is the only backend here. */
export function findPoolSources(type: string, flags: number): never {
  checkFlags(flags, 0, 'storageConnectFindStoragePoolSources', D);
  if (!POOL_TYPE_NAMES.includes(type)) throw new VirError(ErrorCode.INTERNAL_ERROR, `unknown storage pool type ${type}`, D);
  if (!BACKENDS.has(type)) throw missingBackend(type);
  throw new VirError(ErrorCode.NO_SUPPORT, `pool type '${type}' does not support source discovery`, D);
}
