/**
 * `@tsvirt/api/testing`: the shared driver suite. It takes the test runner's functions as
 * arguments and imports no runner, so the runner stays a devDependency of the packages that use it.
 */
export { defineDriverSuite, withUUID, type DriverSuiteLacks, type DriverSuiteOptions, type SuiteMatchers, type SuiteTestContext } from './driver-suite.js';
export { virErrorOf } from './vir-error-of.js';
export { busyboxRootfs, consoleRoundTrip, containersMissing, echoContainerXML } from './container.js';
export { watchChild, ChildTimeout, type WatchedChild, type ChildEnd } from './watched-child.js';
