import { ErrorDomain } from '@tsvirt/util';
import { attr, childElements, element, firstChild, parseLabelled, type XmlElement } from '@tsvirt/conf';
import { VshError } from './vsh/vsh-error.js';
import { readXMLFile } from './commands/domain/domain-xml.js';
import { dumpElement } from './xml-dump.js';

/** The `<cpu>` elements a file holds directly or inside a domain, host capabilities or domain capabilities document. */
function cpuElements(container: XmlElement): XmlElement[] {
  return container.children.filter((n): n is XmlElement => n.kind === 'element').flatMap((el): XmlElement[] => {
    if (el.name === 'cpu') return [el];
    if (el.name === 'domain') return childElements(el, 'cpu');
    if (el.name === 'capabilities') return childElements(firstChild(el, 'host') ?? el, 'cpu');
    if (el.name !== 'domainCapabilities') return [];
    // A domain capabilities' supported host-model becomes a plain <cpu> of the same content.
    return childElements(el, 'cpu').flatMap((cpu) => childElements(cpu, 'mode'))
      .filter((m) => attr(m, 'name') === 'host-model' && attr(m, 'supported') === 'yes')
      .map((m) => element('cpu', [], m.children));
  });
}

/**
 * virsh's reading of the CPUs given to cpu-compare, cpu-baseline and their hypervisor- versions:
 * every CPU definition in the file, each as libxml2 dumps it. A host CPU (features without a
 * policy) draws no warning: virsh 9.0 has none (later versions warn).
 */
export async function extractCPUDefs(file: string): Promise<string[]> {
  const text = await readXMLFile(file);
  const body = text.startsWith('<?xml') && text.includes('?>') ? text.slice(text.indexOf('?>') + 2) : text;
  const cpus = cpuElements(parseLabelled(`<container>${body}</container>`, file, ErrorDomain.NONE));
  if (cpus.length === 0) {
    throw new VshError(`File '${file}' does not contain any <cpu> element or valid domain XML, host capabilities XML, or domain capabilities XML`);
  }
  return cpus.map((cpu) => dumpElement(cpu));
}
