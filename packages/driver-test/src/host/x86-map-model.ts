/** A CPU model of libvirt's x86 map: its vendor, whether it names guest CPUs, its features and those it dropped. */
export interface X86MapModel {
  readonly name: string;
  readonly vendor?: string;
  readonly guest: boolean;
  readonly features: readonly string[];
  readonly removed: readonly string[];
}
