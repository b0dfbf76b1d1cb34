import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';

const RATE_FIELDS = ['average', 'peak', 'burst', 'floor'] as const;
type Rate = Partial<Record<(typeof RATE_FIELDS)[number], bigint>>;

/** virsh's rate string `average,peak,burst,floor`: empty fields are unset, numbers unsigned. */
function parseRate(text: string): Rate {
  const fields = text.split(',');
  if (fields.length > RATE_FIELDS.length) throw new VshError(`Rate string '${text}' has too many fields`);
  const rate: Rate = {};
  fields.forEach((f, i) => {
    if (f === '') return;
    const m = /^\s*\+?(\d+)$/.exec(f);
    if (!m) throw new VshError(`field '${RATE_FIELDS[i]}' is malformed`);
    rate[RATE_FIELDS[i]!] = BigInt(m[1]!);
  });
  return rate;
}

const rateXML = (name: string, rate: Rate): string =>
  `<${name}${RATE_FIELDS.filter((f) => rate[f]).map((f) => ` ${f}='${rate[f]}'`).join('')}/>`;

/** The `<bandwidth>` lines of --inbound and --outbound, with virsh's checks on each. */
function bandwidthXML(cmd: ParsedCommand): string[] {
  const inboundText = nonEmptyOpt(cmd, 'inbound');
  const outboundText = nonEmptyOpt(cmd, 'outbound');
  const lines: string[] = [];
  if (inboundText !== undefined) {
    const inbound = parseRate(inboundText);
    if (!inbound.average && !inbound.floor) throw new VshError('either inbound average or floor is mandatory');
    lines.push(rateXML('inbound', inbound));
  }
  if (outboundText !== undefined) {
    const outbound = parseRate(outboundText);
    if (!outbound.average) throw new VshError('outbound average is mandatory');
    if (outbound.floor) throw new VshError('outbound floor is unsupported yet');
    lines.push(rateXML('outbound', outbound));
  }
  return lines.length ? ['<bandwidth>', ...lines.map((l) => `  ${l}`), '</bandwidth>'] : [];
}

/** A host PCI address as `domain:bus:slot.function`, all hexadecimal; anything after it is ignored. */
function hostdevSourceXML(source: string): string[] {
  const m = /^([\da-f]+):([\da-f]+):([\da-f]+)\.([\da-f]+)/i.exec(source);
  if (!m) throw new VshError(`cannot parse pci address '${source}' for network interface`);
  const [domain, bus, slot, fn] = m.slice(1).map((h) => parseInt(h, 16)) as [number, number, number, number];
  const hex = (n: number, w: number): string => `0x${n.toString(16).padStart(w, '0')}`;
  return ['<source>', `  <address type='pci' domain='${hex(domain, 4)}' bus='${hex(bus, 2)}' slot='${hex(slot, 2)}' function='${hex(fn, 1)}'/>`, '</source>'];
}

/** How each interface type attach-interface supports names its source. */
const SOURCES: Record<string, (source: string, mode: string | undefined) => string[]> = {
  network: (s) => [`<source network='${s}'/>`],
  bridge: (s) => [`<source bridge='${s}'/>`],
  direct: (s) => [`<source dev='${s}'/>`],
  hostdev: hostdevSourceXML,
  vhostuser: (s, mode) => {
    if (mode === undefined) throw new VshError('source-mode is mandatory');
    return [`<source type='unix' path='${s}' mode='${mode}'/>`];
  },
};

/** The `<interface>` attach-interface builds; virsh writes every value as given, unescaped. */
export function interfaceXML(cmd: ParsedCommand): string {
  const type = cmd.required('type');
  const source = cmd.required('source');
  const sourceOf = SOURCES[type];
  if (!sourceOf) throw new VshError(`No support for ${type} in command 'attach-interface'`);
  const bandwidth = bandwidthXML(cmd);
  const mode = nonEmptyOpt(cmd, 'source-mode');
  if (mode !== undefined && mode !== 'server' && mode !== 'client') throw new VshError(`Invalid source mode: ${mode}`);
  const lines = [...sourceOf(source, mode)];
  const element = (opt: string, xml: (v: string) => string): void => {
    const v = nonEmptyOpt(cmd, opt);
    if (v !== undefined) lines.push(xml(v));
  };
  element('target', (v) => `<target dev='${v}'/>`);
  element('mac', (v) => `<mac address='${v}'/>`);
  element('script', (v) => `<script path='${v}'/>`);
  element('model', (v) => `<model type='${v}'/>`);
  element('alias', (v) => `<alias name='${v}'/>`);
  lines.push(...bandwidth);
  return `<interface type='${type}'${cmd.bool('managed') ? " managed='yes'" : ''}>\n${lines.map((l) => `  ${l}\n`).join('')}</interface>\n`;
}
