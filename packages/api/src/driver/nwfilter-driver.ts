/** How a driver names a network filter: what libvirt's virNWFilterPtr carries. */
export interface NWFilterRef {
  readonly name: string;
  readonly uuid: string;
}

/** How a driver names a filter binding: what libvirt's virNWFilterBindingPtr carries. */
export interface NWFilterBindingRef {
  readonly portdev: string;
  readonly filtername: string;
}

/** Network filter entry points (libvirt's virNWFilterDriver); every member optional, missing ones are NO_SUPPORT. */
export interface NWFilterDriver {
  connectListAllNWFilters?(flags: number): Promise<NWFilterRef[]>;
  connectNumOfNWFilters?(): Promise<number>;
  connectListNWFilters?(maxnames: number): Promise<string[]>;
  nwfilterLookupByName?(name: string): Promise<NWFilterRef>;
  nwfilterLookupByUUID?(uuid: string): Promise<NWFilterRef>;
  nwfilterDefineXML?(xml: string, flags: number): Promise<NWFilterRef>;
  nwfilterUndefine?(filter: NWFilterRef): Promise<void>;
  nwfilterGetXMLDesc?(filter: NWFilterRef, flags: number): Promise<string>;
  connectListAllNWFilterBindings?(flags: number): Promise<NWFilterBindingRef[]>;
  nwfilterBindingLookupByPortDev?(portdev: string): Promise<NWFilterBindingRef>;
  nwfilterBindingCreateXML?(xml: string, flags: number): Promise<NWFilterBindingRef>;
  nwfilterBindingDelete?(binding: NWFilterBindingRef): Promise<void>;
  nwfilterBindingGetXMLDesc?(binding: NWFilterBindingRef, flags: number): Promise<string>;
}
