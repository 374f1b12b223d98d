/**
 * Resolves in a new task (scheduler.yield where the runtime has it, else a MessageChannel
 * message), so that work before and after it are separate main-thread tasks: how the viewer
 * keeps every task short while it posts big arrays to workers or copies labelmaps.
 */
export function nextTask(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
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
