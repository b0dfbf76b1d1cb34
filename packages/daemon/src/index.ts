export { Daemon, type DaemonAddresses } from './daemon.js';
export { parseDaemonArgs, parseListen, USAGE, type DaemonOptions, type DaemonCommand, type TcpEndpoint } from './options.js';
export { DEFAULT_LIMITS, type ServerLimits } from './session/limits.js';
