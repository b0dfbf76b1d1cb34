import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkSetup, parseNetworkXML } from '@tsvirt/conf';
import { bandwidthCommands } from '../src/network-bandwidth.js';
import { inNs, type TestHost } from './netns.js';
import { useOraclePair } from './private-libvirtd.js';

const TSVIRSH = join(import.meta.dirname, '../../../tsvirsh');

/** Networks with every shape of `<bandwidth>` (and the refused ones), each on a bridge of its own. */
const CASES: Array<[name: string, bandwidth: string, forward?: string]> = [
  ['full', `<inbound average='1000' peak='5000' burst='1024'/><outbound average='2000' peak='3000' burst='512'/>`],
  ['inavg', `<inbound average='1'/>`],
  ['inburst', `<inbound average='1024' burst='4'/>`],
  ['inpeak', `<inbound average='4294967295' peak='4294967295'/>`],
  ['inzero', `<inbound average='0'/>`],
  ['outavg', `<outbound average='1024'/>`],
  ['outmax', `<outbound average='4294967295'/>`],
  ['outzero', `<outbound average='0'/>`],
  ['empty', ''],
  ['floor', `<inbound average='1000' floor='200'/>`],
  ['nopeakavg', `<inbound peak='10'/>`],
  ['hostbr', `<inbound average='1000'/>`, 'bridge'],
  ['hostzero', `<inbound average='0'/>`, 'bridge'],
];

/** Our bridge for the managed modes, a host bridge the test makes for mode bridge. */
const bridgeOf = (name: string, forward?: string): string => (forward ? `hb${name}` : `bw${name}`);

function networkXML(name: string, bandwidth: string, forward?: string): string {
  const bw = bandwidth === '' ? '<bandwidth/>' : `<bandwidth>${bandwidth}</bandwidth>`;
  return `<network><name>${name}</name>${forward ? `<forward mode='${forward}'/>` : ''}<bridge name='${bridgeOf(name, forward)}'/>${bw}</network>`;
}

/** The tc state of a device as tc's JSON shows it: what libvirt's and our commands left. */
function tcState(host: TestHost, dev: string): string {
  return ['qdisc', 'class', 'filter'].map((k) => inNs(host.ns, 'tc', '-j', k, 'show', 'dev', dev)).join('')
    + inNs(host.ns, 'tc', '-j', 'filter', 'show', 'dev', dev, 'ingress');
}

/** What one side printed for define, start, tc state, destroy, and the links left after. */
function runSide(host: TestHost, cli: string, uri: string): string[] {
  for (const [name, , forward] of CASES) if (forward) inNs(host.ns, 'ip', 'link', 'add', bridgeOf(name, forward), 'type', 'bridge');
  const out: string[] = [];
  const run = (...args: string[]): number | null => {
    const r = spawnSync('ip', ['netns', 'exec', host.ns, cli, '-c', uri, ...args], { encoding: 'utf8' });
    out.push(`$ ${args.join(' ')}\n${r.stdout}${r.stderr}[${r.status}]`.replaceAll(host.root, 'DIR'));
    return r.status;
  };
  for (const [name, bw, forward] of CASES) {
    const file = join(host.root, `${name}.xml`);
    writeFileSync(file, networkXML(name, bw, forward));
    if (run('net-define', file) !== 0) continue;
    const started = run('net-start', name) === 0;
    const dev = bridgeOf(name, forward);
    out.push(`tc ${name}: ${started || forward ? tcState(host, dev) : '-'}`);
    if (started) run('net-destroy', name);
    out.push(`after ${name}: ${forward ? tcState(host, dev) : inNs(host.ns, 'ip', '-o', 'link', 'show', 'type', 'bridge').includes(dev)}`);
    run('net-undefine', name);
  }
  return out;
}

/** Ports with `<bandwidth>` on a network without QoS and on one whose inbound average is 0. */
function runPorts(host: TestHost, cli: string, uri: string): string[] {
  const out: string[] = [];
  const run = (...args: string[]): void => {
    const r = spawnSync('ip', ['netns', 'exec', host.ns, cli, '-c', uri, ...args], { encoding: 'utf8' });
    out.push(`$ ${args.join(' ')}\n${r.stdout}${r.stderr}[${r.status}]`.replaceAll(host.root, 'DIR'));
  };
  const file = (name: string, text: string): string => {
    writeFileSync(join(host.root, name), text);
    return join(host.root, name);
  };
  run('net-create', file('plain.xml', networkXML('plain', '').replace('<bandwidth/>', '')));
  run('net-create', file('zero.xml', networkXML('zero', "<inbound average='0'/>")));
  const port = (n: number, bw: string): string => file(`p${n}.xml`, `<networkport><uuid>e869e6b0-a9d1-43c4-a482-eefbb798e5${n}0</uuid>
    <owner><name>g</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid></owner><mac address='52:54:00:00:00:${n}0'/>${bw}</networkport>`);
  run('net-port-create', 'plain', port(1, "<bandwidth><inbound average='100' floor='300' peak='400'/><outbound average='50'/></bandwidth>"));
  run('net-port-create', 'zero', port(2, "<bandwidth><inbound average='100' floor='300'/></bandwidth>"));
  run('net-port-create', 'plain', port(3, "<bandwidth><outbound average='100' floor='30'/></bandwidth>"));
  run('net-port-create', 'plain', port(4, "<bandwidth><inbound average='100' peak='200' burst='64'/><outbound average='50'/></bandwidth>"));
  run('net-port-dumpxml', 'plain', 'e869e6b0-a9d1-43c4-a482-eefbb798e540');
  run('net-port-list', 'plain');
  run('net-destroy', 'plain');
  run('net-destroy', 'zero');
  return out;
}

describe('<bandwidth> on networks through tc, as libvirt 9.0', () => {
  const pair = useOraclePair();

  it('define, start, tc state and stop equal to libvirtd\'s; nothing left after a refusal', () => {
    const { ours, theirs, libvirtd } = pair;
    const got = runSide(ours, TSVIRSH, ours.uri);
    const want = runSide(theirs, 'virsh', libvirtd.uri);
    expect(got).toEqual(want);
    // A start the kernel refused left no process, table or status file of ours either.
    expect(ours.rootProcesses()).toEqual([]);
    expect(inNs(ours.ns, 'nft', 'list', 'tables')).not.toContain('tsvirt_net_');
  }, 600_000);

  it('checks ports\' <bandwidth> against the network as libvirtd does, and keeps it in the port', () => {
    const { ours, theirs, libvirtd } = pair;
    const want = runPorts(theirs, 'virsh', libvirtd.uri);
    expect(runPorts(ours, TSVIRSH, ours.uri)).toEqual(want);
    const text = want.join('\n');
    for (const words of ["network 'plain' has no inbound QoS set", 'new combined inbound floor=300 would overcommit average=0 on network', "'floor' attribute allowed only in <inbound> element",
      "<inbound average='100' peak='200' burst='64'/>"]) expect(text).toContain(words);
  }, 300_000);

  it('runs the tc commands libvirtd ran for each network (from its debug log)', () => {
    const { theirs } = pair;
    const log = readFileSync(join(theirs.root, 'libvirtd.log'), 'utf8');
    const ran = [...log.matchAll(/About to run tc (.*)$/gm)].map((m) => m[1]!);
    for (const [name, bw, forward] of CASES) {
      if (name === 'floor' || name === 'nopeakavg') continue;
      const dev = bridgeOf(name, forward);
      const setup = networkSetup(parseNetworkXML(networkXML(name, bw, forward)));
      const ours = setup.bandwidth ? bandwidthCommands(dev, setup.bandwidth).map((a) => a.join(' ')) : [];
      // libvirtd ran them until the kernel refused one; its clearing (`qdisc del`) is left out.
      const theirs = ran.filter((c) => c.includes(` dev ${dev} `) && !c.startsWith('qdisc del'));
      expect(ours.slice(0, theirs.length), name).toEqual(theirs);
      expect(theirs.length > 0, name).toBe(ours.length > 0);
    }
  });
});
