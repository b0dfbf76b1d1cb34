/** `@tsvirt/remote`: libvirt's remote driver. */
export * from './protocol.js';
