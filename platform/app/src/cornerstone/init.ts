/**
 * Cornerstone3D start-up: rendering core, the DICOM image loader with its decode web worker,
 * and the tools the mode uses. Runs once per page; the promise is shared.
 */
import { init as coreInit, Enums, imageLoadPoolManager, metaData } from '@cornerstonejs/core';
import { init as dicomImageLoaderInit } from '@cornerstonejs/dicom-image-loader';
import {
  init as toolsInit,
  addTool,
  WindowLevelTool,
  PanTool,
  ZoomTool,
  StackScrollTool,
  CrosshairsTool,
} from '@cornerstonejs/tools';
import { instanceMetadataProvider } from './metadataProvider.ts';

let started: Promise<void> | null = null;

/** Image requests of a streaming volume in flight at once. */
export const VOXEL_REQUESTS = 6;

export function initCornerstone(): Promise<void> {
  started ??= (async () => {
    // One WebGL context per rendering engine (Cornerstone's default is 7): the page shows at
    // most one stack or three MPR planes, and each opened study makes a new engine; with 7 the
    // browser ran out of contexts after a few studies ("Too many active WebGL contexts").
    await coreInit({ rendering: { webGlContextCount: 1 } } as Parameters<typeof coreInit>[0]);
    // One decode worker: the machines we target share two cores with the renderer.
    dicomImageLoaderInit({ maxWebWorkers: Math.min(2, navigator.hardwareConcurrency || 1) });
    // A series' voxels stream as 6 image requests at a time (the browser's connections per
    // server), not all at once (Cornerstone's default lets 1,000 start): queued here, they wait
    // while a label file loads (ViewportController.holdVoxelStream, docs/performance.md).
    imageLoadPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Prefetch, VOXEL_REQUESTS);
    // Above the image loader's own providers: metadata known before any pixel is fetched.
    metaData.addProvider(instanceMetadataProvider, 10_000);
    toolsInit();
    for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, CrosshairsTool]) {
      addTool(tool);
    }
  })();
  return started;
}
