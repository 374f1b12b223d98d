/**
 * Resolves in a new task (scheduler.yield where the runtime has it, else a MessageChannel
 * message), so that work before and after it are separate main-thread tasks: how the viewer
 * keeps every task short while it posts big arrays to workers or copies labelmaps.
 */
export function nextTask(options: { afterQueued?: boolean } = {}): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  // afterQueued: a plain task, behind those already queued (a download's chunks); a
  // scheduler.yield continuation runs ahead of them (0.5 s more for a 220 MB SEG read as it
  // arrives, docs/performance.md)
  if (!options.afterQueued && typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.addEventListener('message', () => {
      c.port1.close();
      resolve();
    });
    c.port1.start();
    c.port2.postMessage(null);
  });
}
