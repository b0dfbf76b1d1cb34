/**
 * `@tsvirt/util/keycodes`: libvirt's key code sets (virKeycodeSet) over keycodemapdb's table. A
 * separate entry, so that commands which send no keys never load the table.
 */
export { KEYCODE_SET_COUNT, KeycodeSet, keycodeFromName, keycodeSetFromName, keycodeSetName, translateKeycode } from './keycodes.js';
