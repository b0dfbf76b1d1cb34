/** `@tsvirt/remote/testing`: a private libvirtd for tests that need a real daemon. */
export { startLibvirtd, libvirtdMissing, type PrivateLibvirtd } from './testing/libvirtd.js';
