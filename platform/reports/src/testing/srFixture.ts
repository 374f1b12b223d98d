/** SR writer inputs around the synthetic case (made-up but well-formed UIDs). */
import { syntheticReport } from './syntheticCase.ts';
import type { SrInput } from '../sr/writeMeasurementReportSr.ts';

export const SEG_UID = '1.2.826.0.1.3680043.8.498.40';

export function srInput(): SrInput {
  return {
    report: syntheticReport(),
    patientStudy: {
      studyInstanceUID: '1.2.826.0.1.3680043.8.498.1',
      patientName: 'Doe^Jane',
      patientId: 'PID-42',
      studyDate: '20261122',
      studyTime: '060000',
      studyId: '1',
    },
    source: {
      seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2',
      instances: [1, 2, 3].map((i) => ({
        sopClassUID: '1.2.840.10008.5.1.4.1.1.4',
        sopInstanceUID: `1.2.826.0.1.3680043.8.498.2.${i}`,
      })),
    },
    segmentation: {
      sopInstanceUID: SEG_UID,
      seriesInstanceUID: '1.2.826.0.1.3680043.8.498.41',
      segments: [
        { label: 1, segmentNumber: 1 },
        { label: 2, segmentNumber: 2 },
      ],
    },
  };
}
