/** CPU time and memory of processes from /proc (Linux only; NaN elsewhere or for a process on another machine). */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

const CLOCK_TICK_MS = 10; // Linux's USER_HZ is 100

/** Fields of /proc/<pid>/stat after the command (which may hold spaces): state is [0], ppid [1], utime [11]. */
export const procStat = (pid: number): string[] | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
};

/** User + system CPU time of one process so far (its threads included), in ms; NaN for no process. */
export function processCpuMs(pid: number | undefined): number {
  const fields = pid === undefined ? undefined : procStat(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS : NaN;
}

/** Resident memory of one process now, in MB. */
export function processRssMb(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU milliseconds used so far by the Postgres server that serves `db`: its postmaster (with the children it has
 * reaped) and its live processes.
 */
export async function postgresCpuMs(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = Number(procStat(rows[0]?.pid ?? 0)?.[1] ?? NaN);
  const own = procStat(postmaster);
  if (!own) return NaN;
  const ticks = (fields: string[], withChildren: boolean) =>
    Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0);
  let total = ticks(own, true);
  for (const entry of readdirSync('/proc')) {
    const fields = /^\d+$/.test(entry) ? procStat(Number(entry)) : undefined;
    if (fields && Number(fields[1]) === postmaster) total += ticks(fields, false);
  }
  return total * CLOCK_TICK_MS;
}
