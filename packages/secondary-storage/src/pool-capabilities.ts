import { POOL_TYPES, POOL_TYPE_NAMES, type FormatRules } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { backendOf, hasBackend } from './pool-backends.js';

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
    return `  <pool type='${type}' supported='${hasBackend(type) ? 'yes' : 'no'}'>\n` +
      options('poolOptions', 'sourceFormatType', info.poolFormats) + options('volOptions', 'targetFormatType', info.volFormats, !UNLISTED_VOL_FORMATS.has(type)) + '  </pool>\n';
  });
  return `<storagepoolCapabilities>\n${pools.join('')}</storagepoolCapabilities>\n`;
}

/** virConnectFindStoragePoolSources: the sources the type's backend finds, for the types that discover any. */
export async function findPoolSources(type: string, srcSpec: string | undefined, flags: number): Promise<string> {
  checkFlags(flags, 0, 'storageConnectFindStoragePoolSources', D);
  if (!POOL_TYPE_NAMES.includes(type)) throw new VirError(ErrorCode.INTERNAL_ERROR, `unknown storage pool type ${type}`, D);
  const backend = backendOf(type);
  if (!backend.findSources) throw new VirError(ErrorCode.NO_SUPPORT, `pool type '${type}' does not support source discovery`, D);
  return backend.findSources(srcSpec);
}
