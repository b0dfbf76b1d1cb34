import type { CgroupTree } from '../cgroup/cgroup-tree.js';
import type { ContainerSpec } from '../conf/container-spec.js';
import type { DevNode, HostdevSpec } from '../conf/hostdevs.js';

/** What the driver hands the controller of one container (as JSON, its one argument). */
export interface LaunchParams {
  readonly stateDir: string;
  readonly name: string;
  /** The helper binary that builds the container from inside its namespaces. */
  readonly helper: string;
  readonly spec: ContainerSpec;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** The cgroup hierarchy; the container's cgroup in it is named after the controller's pid. */
  readonly tree: CgroupTree;
  /** The host-side ends of veth pairs and the container-side names and settings of the other ends. */
  readonly veths: readonly VethPlan[];
  /** Namespaces joined instead of made (`<lxc:namespace>`): `net`, `ipc` or `uts` and the file to setns to. */
  readonly shares: ReadonlyArray<{ readonly ns: string; readonly path: string }>;
  /** Device nodes of `<hostdev>`s made in the container's /dev (and allowed in its cgroup). */
  readonly devNodes: readonly DevNode[];
  /** Host interfaces (`<hostdev type='net'>`) moved into the container, and back when it ends. */
  readonly hostNets: ReadonlyArray<Extract<HostdevSpec, { kind: 'net' }>>;
}

/** One veth pair: the host end stays, the peer is moved into the container and renamed. */
export interface VethPlan {
  readonly host: string;
  readonly peer: string;
  readonly guest: string;
  readonly mac: string;
  readonly ips: ReadonlyArray<{ readonly address: string; readonly prefix: number | undefined; readonly peer: string | undefined }>;
  readonly routes: ReadonlyArray<{ readonly address: string; readonly prefix: number | undefined; readonly gateway: string }>;
}

/** The init of the running container as it was last started (`<name>.init`). */
export interface InitRecord {
  readonly pid: number;
  readonly start?: string | undefined;
  /** The console pty as the host names it. */
  readonly pty: string;
}

export { SETUP_FAILURE } from '../conf/setup-failure.js';
