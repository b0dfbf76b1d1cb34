/** A CPU model of libvirt's x86 map: its vendor, whether it names guest CPUs, its features and those it dropped. */
export interface X86MapModel {
  readonly name: string;
  readonly vendor?: string;
  readonly guest: boolean;
  readonly features: readonly string[];
  readonly removed: readonly string[];
}

/** libvirt's x86 CPU map: its vendors, its features in its order with the bits each stands for, its models in its order. */
export interface X86Map {
  readonly vendors: readonly string[];
  readonly features: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly models: readonly X86MapModel[];
}
