import { setFlagsFromString } from 'node:v8';

/**
 * V8 optimizes a function once it has run its interrupt budget of bytecode (66 KB by default):
 * tsvirtd's hot paths (a call's read, decode, dispatch, driver read, encode and write) took about
 * ninety `virsh list --all` with 20 domains to get there, the first ones costing three times a
 * warm one's CPU. With a quarter of the budget it is warm after about thirty. Imported first by
 * the CLI, so that it holds before any of the daemon's code runs; a library user keeps Node's.
 */
setFlagsFromString('--interrupt-budget=16384');
