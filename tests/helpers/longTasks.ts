/**
 * Long main-thread tasks as the e2e tests and benches see them: a PerformanceObserver init
 * script records every long task (> 50 ms) from the first script on, and the scripts of long
 * animation frames (which callback ran how long) to attribute them.
 */

export interface LongTask {
  start: number;
  duration: number;
}
export interface FrameScript {
  start: number;
  duration: number;
  invoker: string;
  source: string;
}

/** Page init script: fills `window.__longtasks` and `window.__frameScripts`. */
export function installLongTaskObserver() {
  const w = window as unknown as { __longtasks: LongTask[]; __frameScripts: FrameScript[] };
  w.__longtasks = [];
  w.__frameScripts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      w.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const scripts = (e as unknown as { scripts: Array<Record<string, unknown>> }).scripts;
      for (const x of scripts)
        w.__frameScripts.push({
          start: x.startTime as number,
          duration: x.duration as number,
          invoker: String(x.invoker),
          source: `${String(x.sourceFunctionName)} ${String(x.sourceURL).split('/').pop()}:${String(x.sourceCharPosition)}`,
        });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

/**
 * Time of a long task spent in requestAnimationFrame callbacks: Cornerstone renders there, and
 * with SwiftShader (software WebGL) copying a frame to the viewport canvas alone takes
 * 200-400 ms. Everything else in the task is our script, React, GC.
 */
export function renderTime(task: LongTask, scripts: readonly FrameScript[]): number {
  let t = 0;
  for (const s of scripts) {
    if (s.invoker !== 'FrameRequestCallback') continue;
    const overlap =
      Math.min(task.start + task.duration, s.start + s.duration) - Math.max(task.start, s.start);
    if (overlap > 0) t += overlap;
  }
  return t;
}
