import type { XmlElement } from '../xml/xml-node.js';

/** What the guest does on power-off, reboot or crash. */
export type LifecycleAction = 'destroy' | 'restart' | 'rename-restart' | 'preserve' | 'coredump-destroy' | 'coredump-restart';

export interface DomainOS {
  /** `hvm`, `xen`, `linux`, `exe`. */
  type: string;
  arch?: string;
  machine?: string;
  /** `<boot dev=.../>` in order. */
  boot: string[];
  /** Children of `<os>` the model does not know, kept as written. */
  other: XmlElement[];
}

export interface DomainVcpu {
  count: number;
  current?: number;
  placement: 'static' | 'auto';
  cpuset?: string;
  /** `<vcpus>`: each vCPU's state by id (as many as `count`), when the definition lists them one by one. */
  vcpus?: DomainVcpuState[];
}

/** One vCPU of `<vcpus>`: online or not; `hotpluggable` as written (see `vcpuHotpluggable` for libvirt's default). */
export interface DomainVcpuState {
  enabled: boolean;
  hotpluggable?: boolean;
  /** The order in which it came online (1 for the first); absent when not set. */
  order?: number;
}

/**
 * A domain definition: the typed parts code works with, plus every other element kept verbatim
 * (`other`, `devices`), so formatting never drops what the user wrote.
 */
export interface DomainDef {
  /** The hypervisor type, `<domain type=...>`. */
  type: string;
  name: string;
  /** Canonical lower-case UUID. */
  uuid: string;
  title?: string;
  description?: string;
  memoryKiB: number;
  currentMemoryKiB: number;
  vcpu: DomainVcpu;
  os: DomainOS;
  clockOffset: string;
  onPoweroff: LifecycleAction;
  onReboot: LifecycleAction;
  onCrash: LifecycleAction;
  /** Device elements in document order. */
  devices: XmlElement[];
  /** Top-level elements the typed model does not cover, kept as written and in place. */
  other: XmlElement[];
  /** Attributes of `<domain>` other than type and id (namespaces included). */
  rootAttrs: Array<[string, string]>;
  /**
   * The elements the typed fields were read from (by element name), so that formatting keeps the
   * attributes and children the typed fields do not cover.
   */
  source?: Readonly<Record<string, XmlElement>>;
}
