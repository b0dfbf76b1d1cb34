import type { OptDef } from '../../vsh/command-def.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { optionalString } from '../../storage-lookup.js';

const str = (name: string, help: string): OptDef => ({ name, type: 'string', help });

/** The options pool-define-as and pool-create-as share, in virsh's order. */
export const POOL_AS_OPTS: readonly OptDef[] = [
  { name: 'name', type: 'string', positional: true, required: true, help: 'name of the pool' },
  { name: 'type', type: 'string', positional: true, required: true, help: 'type of the pool' },
  { name: 'print-xml', type: 'bool', help: "print XML document, but don't define/create" },
  str('source-host', 'source-host for underlying storage'),
  str('source-path', 'source path for underlying storage'),
  str('source-dev', 'source device for underlying storage'),
  str('source-name', 'source name for underlying storage'),
  str('target', 'target for underlying storage'),
  str('source-format', 'format for underlying storage'),
  str('auth-type', 'auth type to be used for underlying storage'),
  str('auth-username', 'auth username to be used for underlying storage'),
  str('secret-usage', 'auth secret usage to be used for underlying storage'),
  str('secret-uuid', 'auth secret UUID to be used for underlying storage'),
  str('adapter-name', 'adapter name to be used for underlying storage'),
  str('adapter-wwnn', 'adapter wwnn to be used for underlying storage'),
  str('adapter-wwpn', 'adapter wwpn to be used for underlying storage'),
  str('adapter-parent', 'adapter parent scsi_hostN to be used for underlying vHBA storage'),
  str('adapter-parent-wwnn', 'adapter parent scsi_hostN wwnn to be used for underlying vHBA storage'),
  str('adapter-parent-wwpn', 'adapter parent scsi_hostN wwpn to be used for underlying vHBA storage'),
  str('adapter-parent-fabric-wwn', 'adapter parent scsi_hostN fabric_wwn to be used for underlying vHBA storage'),
  str('source-protocol-ver', 'nfsvers value for NFS pool mount option'),
  str('source-initiator', 'initiator iqn for underlying storage'),
];

/** The fc_host adapter element: a parent by name, by WWNN and WWPN together, or by fabric. */
function fcAdapter(get: (name: string) => string | undefined, wwnn: string, wwpn: string): string {
  let parent = '';
  const parentName = get('adapter-parent');
  const parentWwnn = get('adapter-parent-wwnn');
  const parentWwpn = get('adapter-parent-wwpn');
  const fabric = get('adapter-parent-fabric-wwn');
  if (parentName !== undefined) parent = ` parent='${parentName}'`;
  else if (parentWwnn !== undefined && parentWwpn !== undefined) parent = ` parent_wwnn='${parentWwnn}' parent_wwpn='${parentWwpn}'`;
  else if (fabric !== undefined) parent = ` parent_fabric_wwn='${fabric}'`;
  return `    <adapter type='fc_host'${parent} wwnn='${wwnn}' wwpn='${wwpn}'/>\n`;
}

/**
 * The `<pool>` document pool-define-as and pool-create-as build from their options, exactly as
 * virsh writes it: values go in unescaped, a `<source>` only when something belongs in it, auth
 * only with a type, a user name and one secret.
 */
export function poolXMLFromArgs(cmd: ParsedCommand): string {
  cmd.exclusive('secret-usage', 'secret-uuid');
  const get = (name: string): string | undefined => optionalString(cmd, name);
  const name = cmd.required('name');
  const type = cmd.required('type');
  const host = get('source-host');
  const path = get('source-path');
  const dev = get('source-dev');
  const sourceName = get('source-name');
  const format = get('source-format');
  const initiator = get('source-initiator');
  const wwnn = get('adapter-wwnn');
  const wwpn = get('adapter-wwpn');
  const adapterName = get('adapter-name');
  const authType = get('auth-type');
  const authUser = get('auth-username');
  const secretUsage = get('secret-usage');
  const secretUUID = get('secret-uuid');
  const protocol = get('source-protocol-ver');
  const target = get('target');

  let xml = `<pool type='${type}'>\n  <name>${name}</name>\n`;
  const fc = wwnn !== undefined && wwpn !== undefined;
  if ([host, path, dev, initiator, adapterName, format, sourceName].some((v) => v !== undefined) || fc) {
    xml += '  <source>\n';
    if (host !== undefined) xml += `    <host name='${host}'/>\n`;
    if (path !== undefined) xml += `    <dir path='${path}'/>\n`;
    if (dev !== undefined) xml += `    <device path='${dev}'/>\n`;
    if (initiator !== undefined) xml += `    <initiator>\n      <iqn name='${initiator}'/>\n    </initiator>\n`;
    if (fc) xml += fcAdapter(get, wwnn, wwpn);
    else if (adapterName !== undefined) xml += `    <adapter type='scsi_host' name='${adapterName}'/>\n`;
    if (authType !== undefined && authUser !== undefined && (secretUsage !== undefined || secretUUID !== undefined)) {
      const secret = secretUsage !== undefined ? `usage='${secretUsage}'` : `uuid='${secretUUID}'`;
      xml += `    <auth type='${authType}' username='${authUser}'>\n      <secret ${secret}/>\n    </auth>\n`;
    }
    if (format !== undefined) xml += `    <format type='${format}'/>\n`;
    if (sourceName !== undefined) xml += `    <name>${sourceName}</name>\n`;
    if (protocol !== undefined) xml += `    <protocol ver='${protocol}'/>\n`;
    xml += '  </source>\n';
  }
  if (target !== undefined) xml += `  <target>\n    <path>${target}</path>\n  </target>\n`;
  return `${xml}</pool>\n`;
}
