/**
 * `@tsvirt/remote`: libvirt's remote driver. The registry loads `driver` for every URI with a
 * transport (`test+unix:///default`, `qemu+ssh://host/system`) or a host; the wire protocol is
 * also exported here and as `@tsvirt/remote/protocol`.
 */
export { driver, daemonURI } from './driver/remote-driver.js';
export { RpcClient, type KeepaliveOptions, type RpcEvent, type StreamSink } from './client/rpc-client.js';
export { openTransport, transportOf, defaultSocket } from './client/transport.js';
export * from './protocol.js';
