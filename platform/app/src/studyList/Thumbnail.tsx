/**
 * A series thumbnail: the middle image rendered on the CPU into a small canvas (no extra
 * WebGL context). Non-image series (SEG, SR) get their modality as a placeholder.
 */
import { useEffect, useRef, useState } from 'react';
import { utilities } from '@cornerstonejs/core';
import { initCornerstone } from '../cornerstone/init.ts';
import type { DataSource } from '../dataSources/types.ts';

const NON_IMAGE = new Set(['SEG', 'SR', 'PR', 'RTSTRUCT', 'KO', 'DOC']);
export const THUMBNAIL_SIZE = 64;

export function Thumbnail({
  dataSource,
  studyUID,
  seriesUID,
  modality,
}: {
  dataSource: DataSource;
  studyUID: string;
  seriesUID: string;
  modality: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'done' | 'failed'>('loading');
  const image = !NON_IMAGE.has(modality);

  useEffect(() => {
    if (!image) return;
    let alive = true;
    (async () => {
      await initCornerstone();
      const imageIds = await dataSource.getImageIds(studyUID, seriesUID);
      const imageId = imageIds[Math.floor(imageIds.length / 2)];
      if (!alive || !imageId || !canvas.current) return;
      await utilities.loadImageToCanvas({
        canvas: canvas.current,
        imageId,
        useCPURendering: true,
        thumbnail: true,
      });
      if (alive) setState('done');
    })().catch(() => alive && setState('failed'));
    return () => {
      alive = false;
    };
  }, [dataSource, studyUID, seriesUID, image]);

  if (!image)
    return (
      <span className="thumbnail placeholder" aria-hidden="true">
        {modality}
      </span>
    );
  // the loader sizes the canvas (and its style) to the image; the frame keeps the layout
  return (
    <span
      className={`thumbnail ${state}`}
      data-testid="series-thumbnail"
      data-state={state}
      title={state === 'failed' ? 'No preview: the image could not be loaded' : undefined}
    >
      <canvas ref={canvas} width={THUMBNAIL_SIZE} height={THUMBNAIL_SIZE} />
    </span>
  );
}
