export {
  readRtStruct,
  roiLabels,
  RTSTRUCT_SOP_CLASS_UID,
  CONTOUR_SLICE_TOLERANCE,
  type RtRoiInfo,
  type RtStructResult,
} from './read.ts';
export { fillPolygonsEvenOdd } from './rasterize.ts';
