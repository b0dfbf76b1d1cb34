import { readFileSync } from 'node:fs';

/** A process's state letter and start time (field 22 of /proc/PID/stat). */
async function procStat(pid: number): Promise<{ state: string; start: string } | undefined> {
  try {
    // a read of /proc at once (see readSmallTextIfExists): asked for every running domain per listing
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', start: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** The start time of a process, to tell it from a later process that reuses its pid. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  return (await procStat(pid))?.start;
}

/** Whether the process `pid` that started at `start` still runs (a zombie counts as gone, a reused pid too). */
export async function isProcessAlive(pid: number, start: string | undefined): Promise<boolean> {
  const s = await procStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X' && (start === undefined || s.start === start);
}
