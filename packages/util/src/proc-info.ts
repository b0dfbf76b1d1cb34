import { readFile } from 'node:fs/promises';

/** What /proc says of a process: its state letter and start time (field 22 of /proc/PID/stat). */
async function procStat(pid: number): Promise<{ state: string; start: string } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', start: fields[19] ?? '' };
}

/** The start time of a process in clock ticks since boot, to tell it from a later process reusing its pid. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  return (await procStat(pid))?.start;
}

/** Whether the process `pid` that started at `start` still runs; a zombie counts as gone. */
export async function processAlive(pid: number, start: string | undefined): Promise<boolean> {
  const s = await procStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X' && (start === undefined || s.start === start);
}
