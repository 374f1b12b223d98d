/**
 * Concord's viewer as the host contract (`ViewerHost`, @concord/core) the mode's panels get:
 * one host per displayed series, over its viewport controller and overlay manager.
 */
import { useMemo } from 'react';
import type { Types } from '@cornerstonejs/core';
import { displayedSeries, type OverlaySourceRegistry, type Volume } from '@concord/core';
import type { AppConfig } from '../../appConfig.ts';
import { getInstanceMetadata } from '../../cornerstone/metadataProvider.ts';
import type { DataSourceConfig } from '../../dataSources/types.ts';
import type { OverlayManager } from '../../segmentation/overlayManager.ts';
import type { ViewerBridge } from '../../viewerBridge.ts';
import type { ViewportController } from '../viewportController.ts';

/** A loaded Cornerstone volume as a @concord/core Volume. */
export function imageVolumeOf(v: Types.IImageVolume): Volume {
  return {
    dims: [...v.dimensions] as Volume['dims'],
    spacing: [...v.spacing] as Volume['spacing'],
    origin: [...v.origin] as Volume['origin'],
    direction: [...v.direction] as Volume['direction'],
    frameOfReferenceUID: v.metadata?.FrameOfReferenceUID,
    data: v.voxelManager?.getCompleteScalarDataArray?.() as Volume['data'],
  };
}

/** STOW-RS target of a DICOMweb data source (absolute, same origin through the proxy). */
function dicomWebRootOf(ds: DataSourceConfig | undefined): string | undefined {
  return ds?.type === 'dicomweb' ? new URL(ds.root, location.href).href : undefined;
}

export function useViewerHost({
  config,
  controller,
  overlays,
  overlaySources,
  activeSeries,
  studyUID,
  dataSourceName,
}: {
  config: AppConfig;
  controller: ViewportController | null;
  overlays: OverlayManager | null;
  overlaySources: OverlaySourceRegistry;
  activeSeries: string | null;
  studyUID: string;
  dataSourceName: string;
}): ViewerBridge | null {
  return useMemo<ViewerBridge | null>(() => {
    if (!controller || !overlays || !activeSeries) return null;
    return {
      studyInstanceUID: studyUID,
      seriesInstanceUID: activeSeries,
      models: config.models,
      overlays,
      getImageVolume: () => controller.loadedVolume().then(imageVolumeOf),
      async getSeries() {
        const v = await controller.loadedVolume();
        const metas = v.imageIds.map((id) => getInstanceMetadata(id) ?? {});
        return displayedSeries(imageVolumeOf(v), metas, studyUID, activeSeries);
      },
      dicomWebRoot: dicomWebRootOf(config.dataSources.find((d) => d.name === dataSourceName)),
      getLabelmap: (source) => overlays.labelVolume(source),
      showLabelmap: (source, labelmap, title, origin) => {
        const volume = controller.currentVolume();
        if (!volume) throw new Error('The series is still loading');
        return overlays.setLabelmap(source, volume, labelmap, title, origin);
      },
      async showLabelmapInTasks(source, labelmap, title, origin = { kind: 'labelmap' }) {
        const volume = controller.currentVolume();
        if (!volume) throw new Error('The series is still loading');
        return overlays.setLabelmapInTasks(source, volume, labelmap, title, origin);
      },
      subscribe: (fn) => overlays.subscribe(fn),
      getSliceIndex: () => controller.currentImageIndex(),
      setSliceIndex: (index) => controller.jumpToImage(index),
      registerOverlaySource: (definition) => overlaySources.register(definition),
    };
  }, [
    controller,
    overlays,
    overlaySources,
    activeSeries,
    studyUID,
    config.models,
    config.dataSources,
    dataSourceName,
  ]);
}
