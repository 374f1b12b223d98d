/**
 * The parts of the OHIF host that read OHIF's state: which display set is the image series of
 * the active viewport, where a SEG display set's bytes are. OHIF's services are given as the
 * plain objects OHIF 3.13 hands out (docs/ohif.md).
 */
import { describe, expect, it } from 'vitest';
import type { OhifDisplaySet, OhifServicesManager } from './ohifTypes.ts';
import {
  instanceLocation,
  instanceUrl,
  isSegDisplaySet,
  segDisplaySetsOf,
} from './referenceSeg.ts';
import { activeImageDisplaySet } from './session.ts';

const ds = (uid: string, o: Partial<OhifDisplaySet>): OhifDisplaySet => ({
  displaySetInstanceUID: uid,
  StudyInstanceUID: 'study',
  SeriesInstanceUID: `series-${uid}`,
  ...o,
});

const images = ds('mr', { Modality: 'MR', imageIds: ['a', 'b', 'c'] });
const seg = ds('seg', {
  Modality: 'SEG',
  unsupported: true,
  instances: [{ url: 'dicomweb:http://h/data/colin27/reference-seg.dcm', SOPInstanceUID: '1.2' }],
});
const other = ds('ct', { Modality: 'CT', imageIds: ['x', 'y'] });

function services(viewports: Array<[string, string[]]>, active: string | null) {
  const all = new Map([images, seg, other].map((d) => [d.displaySetInstanceUID, d]));
  return {
    services: {
      viewportGridService: {
        getState: () => ({
          activeViewportId: active,
          viewports: new Map(
            viewports.map(([id, uids]) => [id, { viewportId: id, displaySetInstanceUIDs: uids }]),
          ),
        }),
      },
      displaySetService: { getDisplaySetByUID: (uid: string) => all.get(uid) },
    },
  } as unknown as OhifServicesManager;
}

describe('OHIF state as the host reads it', () => {
  it('takes the image series of the active viewport, never a SEG shown there', () => {
    expect(activeImageDisplaySet(services([['a', ['mr']]], 'a'))).toBe(images);
    expect(activeImageDisplaySet(services([['a', ['seg', 'ct']]], 'a'))).toBe(other);
    expect(
      activeImageDisplaySet(
        services(
          [
            ['a', ['mr']],
            ['b', ['ct']],
          ],
          'b',
        ),
      ),
    ).toBe(other);
    expect(activeImageDisplaySet(services([['a', ['seg']]], 'a'))).toBeNull();
    expect(activeImageDisplaySet(services([], null))).toBeNull();
  });

  it('finds the study’s SEGs and the file URL DICOM JSON gives their instance', () => {
    expect(isSegDisplaySet(seg)).toBe(true);
    expect(isSegDisplaySet(ds('s2', { SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4' }))).toBe(true);
    expect(isSegDisplaySet(images)).toBe(false);
    expect(segDisplaySetsOf([images, seg, other], 'study')).toEqual([seg]);
    expect(segDisplaySetsOf([images, seg], 'another study')).toEqual([]);
    expect(instanceUrl(seg)).toBe('http://h/data/colin27/reference-seg.dcm');
    // DICOMweb: no file URL (the bytes come by WADO-RS from the data source's root)
    expect(instanceUrl(ds('w', { instances: [{ SOPInstanceUID: '1.3' }] }))).toBeNull();
    // where the label-file worker downloads it from
    expect(instanceLocation(seg, undefined)).toEqual({
      url: 'http://h/data/colin27/reference-seg.dcm',
    });
    const wado = ds('w', { instances: [{ SOPInstanceUID: '1.3' }] });
    expect(instanceLocation(wado, 'http://h/dicomweb')).toEqual({
      dicomWeb: {
        root: 'http://h/dicomweb',
        studyInstanceUID: wado.StudyInstanceUID,
        seriesInstanceUID: wado.SeriesInstanceUID,
        sopInstanceUID: '1.3',
      },
    });
    expect(() => instanceLocation(wado, undefined)).toThrow(/no address/);
  });
});
