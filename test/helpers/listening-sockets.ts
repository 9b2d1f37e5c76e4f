// Linux: the listening TCP sockets a process holds on a port, read from /proc/net/tcp* and
// /proc/<pid>/fd (for the tests of who listens where: cluster workers, several accept sockets).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** How many listening sockets on `port` process `pid` holds (0 when none or not on Linux). */
export function listeningSocketsOf(pid: number, port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1] (addr:PORT), st is f[3] (0A = LISTEN), inode is f[9].
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A' && f[9]) inodes.add(f[9]);
    }
  }
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return 0;
  }
  return fds.filter((fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return m?.[1] !== undefined && inodes.has(m[1]);
    } catch {
      return false;
    }
  }).length;
}
