/**
 * How the OHIF host hands a labelmap to OHIF's segmentationService: the colours as one colour
 * LUT with the representation and one style call, not a call per label. Cornerstone 5.6 renders
 * one queued segmentation request per animation frame, so every extra call costs a frame of the
 * viewport (0.3-1 s with software WebGL; docs/ohif.md#performance). The service here records
 * the calls OHIF 3.13's service receives.
 */
import { describe, expect, it } from 'vitest';
import { createOverlaySourceRegistry, type LabelVolume } from '@concord/core';
import type { CsImageVolume, HostCornerstone, SegmentationService } from './ohifTypes.ts';
import { colorLut, OhifOverlays } from './overlays.ts';

const dims: [number, number, number] = [3, 2, 2];
const volume = {
  volumeId: 'v',
  imageIds: ['img:0', 'img:1'],
  dimensions: dims,
  spacing: [1, 1, 2],
  origin: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  load: () => undefined,
} as CsImageVolume;

function fakeCornerstone(): { cs: HostCornerstone; slices: Map<string, Uint8Array> } {
  const slices = new Map<string, Uint8Array>();
  const cs = {
    cornerstone: {
      imageLoader: {
        createAndCacheDerivedLabelmapImage(referencedImageId: string) {
          const data = new Uint8Array(dims[0] * dims[1]);
          const imageId = `derived:${referencedImageId}:${slices.size}`;
          slices.set(imageId, data);
          return { imageId, voxelManager: { getScalarData: () => data } };
        },
      },
    },
    cornerstoneTools: { Enums: { SegmentationRepresentations: { Labelmap: 'Labelmap' } } },
  } as unknown as HostCornerstone;
  return { cs, slices };
}

function recordingService() {
  const calls: Array<[string, ...unknown[]]> = [];
  const shown = new Map<string, Set<string>>(); // viewport -> segmentation ids
  const service = {
    addOrUpdateSegmentation: (d: Record<string, unknown>) => calls.push(['addOrUpdate', d]),
    addSegmentationRepresentation: async (viewportId: string, o: { segmentationId: string }) => {
      calls.push(['addRepresentation', viewportId, o]);
      await Promise.resolve(); // OHIF's is async (it classifies the viewport first)
      if (!shown.has(viewportId)) shown.set(viewportId, new Set());
      shown.get(viewportId)?.add(o.segmentationId);
    },
    getSegmentationRepresentations: (viewportId: string, s?: { segmentationId?: string }) =>
      [...(shown.get(viewportId) ?? [])].filter(
        (id) => !s?.segmentationId || id === s.segmentationId,
      ),
    setStyle: (...a: unknown[]) => calls.push(['setStyle', ...a]),
    setSegmentColor: (...a: unknown[]) => calls.push(['setSegmentColor', ...a]),
    remove: (id: string) => {
      calls.push(['remove', id]);
      for (const ids of shown.values()) ids.delete(id);
    },
  } as unknown as SegmentationService;
  return { service, calls, shown };
}

const labelmap = (): LabelVolume => {
  const data = new Uint8Array(12);
  data.set([0, 1, 1, 2, 0, 0, 7, 7, 0, 0, 0, 2]);
  return {
    dims,
    spacing: [1, 1, 2],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    data,
    labels: [
      { label: 1, name: 'one', color: [10, 20, 30] },
      { label: 2, name: 'two', color: [40, 50, 60] },
      { label: 7, name: 'seven', color: [70, 80, 90] },
    ],
  };
};

describe('OHIF host overlays through segmentationService', () => {
  it('colour LUT: RGBA per label of the layer, transparent elsewhere', () => {
    const lut = colorLut(
      [
        { label: 1, name: 'a', color: [1, 2, 3] },
        { label: 3, name: 'b', color: [4, 5, 6] },
        { label: 2, name: 'c', color: [7, 8, 9], layer: 1 },
      ],
      0,
    );
    expect(lut).toEqual([
      [0, 0, 0, 0],
      [1, 2, 3, 255],
      [0, 0, 0, 0],
      [4, 5, 6, 255],
    ]);
    expect(colorLut([], 0)).toEqual([[0, 0, 0, 0]]);
  });

  it('shows a labelmap with one representation (colours as a LUT) and one style per viewport; attaching again adds nothing', async () => {
    const { cs, slices } = fakeCornerstone();
    const { service, calls } = recordingService();
    const overlays = new OhifOverlays(
      cs,
      service,
      createOverlaySourceRegistry(),
      () => ['vp1'],
      'k',
    );
    const shown = await overlays.show('prediction', volume, labelmap(), 'model 1');
    await Promise.resolve();
    await Promise.resolve();
    // the voxels went into the derived labelmap images, slice by slice
    expect([...slices.values()].map((s) => Array.from(s))).toEqual([
      [0, 1, 1, 2, 0, 0],
      [7, 7, 0, 0, 0, 2],
    ]);
    expect(shown.labels?.map((l) => l.label)).toEqual([1, 2, 7]);
    expect(calls.map((c) => c[0])).toEqual(['addOrUpdate', 'addRepresentation', 'setStyle']);
    const add = calls[1][2] as { config: { colorLUTOrIndex: number[][] } };
    expect(add.config.colorLUTOrIndex[1]).toEqual([10, 20, 30, 255]);
    expect(add.config.colorLUTOrIndex[7]).toEqual([70, 80, 90, 255]);
    expect(add.config.colorLUTOrIndex[3]).toEqual([0, 0, 0, 0]);
    // OHIF's events (a display set added, a grid change) re-attach: nothing to do then
    calls.length = 0;
    await overlays.attachAll();
    expect(calls).toEqual([]);
    // hiding is one style call, no colours
    overlays.setVisible('prediction', false);
    expect(calls.map((c) => c[0])).toEqual(['setStyle']);
    expect((calls[0][2] as { fillAlpha: number }).fillAlpha).toBe(0);
  });

  it('two attaches at once (OHIF event during the add) add the representation once', async () => {
    const { cs } = fakeCornerstone();
    const { service, calls } = recordingService();
    const overlays = new OhifOverlays(
      cs,
      service,
      createOverlaySourceRegistry(),
      () => ['vp1'],
      'k',
    );
    overlays.showNow('reference', volume, labelmap(), 'ref');
    await Promise.all([overlays.attachAll(), overlays.attachAll()]);
    expect(calls.filter((c) => c[0] === 'addRepresentation')).toHaveLength(1);
    expect(calls.filter((c) => c[0] === 'setSegmentColor')).toHaveLength(0);
  });

  it('hiding a source while its new labelmap is still filling: the new one lands hidden; removing it stops the fill', async () => {
    const { cs } = fakeCornerstone();
    const { service } = recordingService();
    const overlays = new OhifOverlays(
      cs,
      service,
      createOverlaySourceRegistry(),
      () => ['vp1'],
      'k',
    );
    // a budget of ~0 ms: one slice per task, so the user acts between the two slices
    const filling = overlays.show('prediction', volume, labelmap(), 'model 1', undefined, 1e-6);
    overlays.setVisible('prediction', false);
    await filling;
    expect(overlays.list().map((s) => [s.source, s.visible])).toEqual([['prediction', false]]);
    // the next show starts visible again
    await overlays.show('prediction', volume, labelmap(), 'model 2', undefined, 1e-6);
    expect(overlays.list()[0].visible).toBe(true);
    // removed while filling: the fill gives up, nothing comes back
    const again = overlays.show('prediction', volume, labelmap(), 'model 3', undefined, 1e-6);
    overlays.remove('prediction');
    await expect(again).rejects.toThrow(/Superseded/);
    expect(overlays.list()).toEqual([]);
  });
});
