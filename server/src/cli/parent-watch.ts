/**
 * Calls `onExit` once the process `parentPid` no longer exists, checked every `everyMs` (the timer keeps nothing
 * alive). Signal 0 tests for a process without touching it.
 */
export function whenParentExits(parentPid: number, onExit: () => void, everyMs = 1000): void {
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch (err) {
      // EPERM: it exists, under another user. Only ESRCH means it is gone.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') return;
      clearInterval(timer);
      onExit();
    }
  }, everyMs);
  timer.unref();
}
