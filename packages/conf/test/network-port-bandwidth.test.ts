import { describe, expect, it } from 'vitest';
import { formatNetworkPortXML, parseNetworkPortXML } from '../src/index.js';

const port = (bw: string): string => `<networkport><uuid>e869e6b0-a9d1-43c4-a482-eefbb798e555</uuid>
  <owner><name>g</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid></owner><mac address='52:54:00:00:00:01'/>${bw}
  <plug type='network' bridge='virbr0'/></networkport>`;

describe('<networkport> <bandwidth>', () => {
  it('keeps each direction\'s rates, formatted in libvirt\'s order after the MAC', () => {
    const def = parseNetworkPortXML(port("<bandwidth><outbound burst='7' average='5'/><inbound floor='3' burst='4' peak='2' average='1'/></bandwidth>"));
    expect(def.bandwidth).toEqual({ inbound: { average: 1, peak: 2, burst: 4, floor: 3 }, outbound: { average: 5, peak: undefined, burst: 7, floor: undefined } });
    expect(formatNetworkPortXML(def)).toContain(`  <mac address='52:54:00:00:00:01'/>
  <bandwidth>
    <inbound average='1' peak='2' floor='3' burst='4'/>
    <outbound average='5' burst='7'/>
  </bandwidth>
  <plug type='network' bridge='virbr0'/>`);
  });

  it('drops an empty <bandwidth>, as libvirt does', () => {
    expect(parseNetworkPortXML(port('<bandwidth/>')).bandwidth).toBeUndefined();
    expect(formatNetworkPortXML(parseNetworkPortXML(port('<bandwidth/>')))).not.toContain('bandwidth');
  });
});
