/**
 * The text a reader expects on the image: patient and series in the top corners, slice number,
 * position along the normal and thickness at the bottom left, the cursor probe (intensity and
 * the reference's and model's structure under the cursor), patient-direction letters at the
 * edges, and the plane's name in MPR. Grey text only (never a structure's colour); it lets
 * every pointer event through to the viewport. DICOM strings are rendered as React text.
 */
import type { Vec3 } from '@concord/core';
import { edgeMarkers, slicePositionMm } from './readingView.ts';

export interface ReadingInfo {
  patient?: string;
  patientId?: string;
  series?: string;
  /** 1-based image number and count (stack) */
  image?: { number: number; count: number };
  positionMm?: number;
  thicknessMm?: number;
  plane?: string;
  camera?: { viewUp: Vec3; viewPlaneNormal: Vec3 } | null;
  probe?: string | null;
}

export function ReadingOverlay({ info, testId }: { info: ReadingInfo; testId: string }) {
  const markers = info.camera ? edgeMarkers(info.camera.viewUp, info.camera.viewPlaneNormal) : null;
  return (
    <div className="reading-overlay" data-testid={testId} aria-hidden="true">
      <div className="corner tl">
        {info.plane && <div data-testid={`${testId}-plane`}>{info.plane}</div>}
        {info.patient && <div data-testid={`${testId}-patient`}>{info.patient}</div>}
        {info.patientId && <div>{info.patientId}</div>}
      </div>
      <div className="corner tr">{info.series && <div>{info.series}</div>}</div>
      <div className="corner bl">
        {info.image && (
          <div data-testid={`${testId}-image`}>
            Im {info.image.number}/{info.image.count}
          </div>
        )}
        {(info.positionMm !== undefined || info.thicknessMm !== undefined) && (
          <div data-testid={`${testId}-position`}>
            {info.positionMm !== undefined && `Pos ${info.positionMm.toFixed(1)} mm`}
            {info.thicknessMm !== undefined && `  Thick ${info.thicknessMm.toFixed(2)} mm`}
          </div>
        )}
        {info.probe && <div data-testid={`${testId}-probe`}>{info.probe}</div>}
      </div>
      {markers && (
        <>
          <span className="marker top" data-testid={`${testId}-marker-top`}>
            {markers.top}
          </span>
          <span className="marker bottom" data-testid={`${testId}-marker-bottom`}>
            {markers.bottom}
          </span>
          <span className="marker left" data-testid={`${testId}-marker-left`}>
            {markers.left}
          </span>
          <span className="marker right" data-testid={`${testId}-marker-right`}>
            {markers.right}
          </span>
        </>
      )}
    </div>
  );
}

/** Position along the normal from a slice's ImagePositionPatient / ImageOrientationPatient. */
export function positionOf(meta: Record<string, unknown> | undefined): number | undefined {
  const nums = (v: unknown) =>
    (Array.isArray(v) ? v : String(v ?? '').split('\\')).map(Number).filter(Number.isFinite);
  const ipp = nums(meta?.ImagePositionPatient);
  const iop = nums(meta?.ImageOrientationPatient);
  return ipp.length === 3 && iop.length === 6 ? slicePositionMm(ipp, iop) : undefined;
}
