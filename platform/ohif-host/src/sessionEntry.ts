/** `@concord/ohif-host/session`: the host contract over OHIF's services, and the session. */
export {
  ConcordOhifSession,
  getOhifSession,
  endOhifSession,
  activeImageDisplaySet,
  bundledModels,
  type ReferenceStatus,
} from './session.ts';
export { OhifViewerHost, imageVolumeOf } from './host.ts';
export { OhifOverlays, fallbackColor, volumeGrid } from './overlays.ts';
export {
  instanceLocation,
  instanceUrl,
  isSegDisplaySet,
  segDisplaySetsOf,
  seriesOfVolume,
} from './referenceSeg.ts';
export { hostCornerstone } from './ohifTypes.ts';
