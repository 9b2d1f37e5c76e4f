// Facts about other processes on this machine.

/** Whether process `pid` runs on this machine (one of another user counts: EPERM). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
