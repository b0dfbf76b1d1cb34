import type { spawn as nodeSpawn } from 'node:child_process';

/**
 * `child_process.spawn`, with the module loaded at the first spawn: importing util (every package
 * does) should not load Node's child-process and socket modules, about 2 MiB and milliseconds of
 * compiling, into a process that runs no command.
 */
export const spawn: typeof nodeSpawn = ((...args: Parameters<typeof nodeSpawn>) =>
  process.getBuiltinModule('node:child_process').spawn(...args)) as typeof nodeSpawn;
