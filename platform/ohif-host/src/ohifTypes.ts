/**
 * The parts of a running stock OHIF viewer (3.13) and of its Cornerstone (5.6.8) that Concord
 * uses, as structural types. Nothing here is imported at run time: the viewer hands its
 * services to extensions, and its Cornerstone comes from
 * `@ohif/extension-cornerstone.utilityModule.common` (docs/ohif.md). A second, bundled
 * Cornerstone could not see the viewer's viewports or cache.
 */

export interface OhifInstance {
  imageId?: string;
  url?: string;
  SOPInstanceUID?: string;
  SeriesInstanceUID?: string;
  StudyInstanceUID?: string;
  Modality?: string;
  [key: string]: unknown;
}

export interface OhifDisplaySet {
  displaySetInstanceUID: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SeriesDescription?: string;
  SeriesNumber?: number | string;
  Modality?: string;
  SOPClassUID?: string;
  imageIds?: string[];
  instances?: OhifInstance[];
  instance?: OhifInstance;
  isReconstructable?: boolean;
  unsupported?: boolean;
  [key: string]: unknown;
}

export interface PubSub {
  subscribe(event: string, fn: (data: unknown) => void): { unsubscribe: () => void };
  EVENTS: Record<string, string>;
}

export interface DisplaySetService extends PubSub {
  getActiveDisplaySets(): OhifDisplaySet[];
  getDisplaySetByUID(uid: string): OhifDisplaySet | undefined;
}

export interface ViewportGridState {
  activeViewportId: string | null;
  viewports: Map<string, { viewportId: string; displaySetInstanceUIDs: string[] }>;
}

export interface ViewportGridService extends PubSub {
  getState(): ViewportGridState;
  getActiveViewportId(): string | null;
}

export interface CsStackViewport {
  id: string;
  element: HTMLDivElement;
  getImageIds(): string[];
  getCurrentImageId(): string | undefined;
  getCurrentImageIdIndex(): number;
}

export interface CornerstoneViewportService extends PubSub {
  getCornerstoneViewport(viewportId: string): CsStackViewport | null;
}

export type SegmentationSpecifier = { viewportId?: string; segmentationId?: string; type?: string };

export interface SegmentationService extends PubSub {
  addOrUpdateSegmentation(data: Record<string, unknown>): void;
  addSegmentationRepresentation(
    viewportId: string,
    options: {
      segmentationId: string;
      type?: string;
      /** A colour LUT (RGBA per segment index) or the index of one Cornerstone holds. */
      config?: { colorLUTOrIndex?: Array<[number, number, number, number]> | number };
    },
  ): Promise<void>;
  /** The representations of segmentations on a viewport (none: []). */
  getSegmentationRepresentations?(
    viewportId: string,
    specifier?: { segmentationId?: string; type?: string },
  ): unknown[];
  remove(segmentationId: string): void;
  getSegmentation(segmentationId: string): unknown;
  setStyle(specifier: SegmentationSpecifier, style: Record<string, unknown>): void;
  setSegmentColor(
    viewportId: string,
    segmentationId: string,
    segmentIndex: number,
    color: [number, number, number, number],
  ): void;
  setSegmentationRepresentationVisibility?: (
    viewportId: string,
    specifier: SegmentationSpecifier,
    visible: boolean,
  ) => void;
}

export interface OhifServices {
  displaySetService: DisplaySetService;
  viewportGridService: ViewportGridService;
  cornerstoneViewportService: CornerstoneViewportService;
  segmentationService: SegmentationService;
  [name: string]: unknown;
}

export interface OhifServicesManager {
  services: OhifServices;
}

export interface OhifExtensionManager {
  getModuleEntry(id: string): { exports?: Record<string, unknown> } | undefined;
  getModulesByType?(type: string): Array<{ module: unknown }>;
  getActiveDataSource?(): Array<{ getConfig?: () => Record<string, unknown> }>;
}

/** Cornerstone 5.6.8 image volume, as far as we read it. */
export interface CsImageVolume {
  volumeId: string;
  imageIds: string[];
  dimensions: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  direction: ArrayLike<number>;
  metadata?: { FrameOfReferenceUID?: string; Modality?: string };
  loadStatus?: { loaded: boolean };
  voxelManager?: { getCompleteScalarDataArray?: () => ArrayLike<number> };
  load(callback?: () => void): void;
}

export interface CsImage {
  imageId: string;
  voxelManager?: { getScalarData(): { set(a: ArrayLike<number>): void } };
}

export interface HostCornerstone {
  cornerstone: {
    cache: { getVolume(id: string): CsImageVolume | undefined };
    volumeLoader: {
      createAndCacheVolume(id: string, options: { imageIds: string[] }): Promise<CsImageVolume>;
    };
    imageLoader: {
      createAndCacheDerivedLabelmapImage(
        referencedImageId: string,
        options?: Record<string, unknown>,
      ): CsImage;
    };
    metaData: { get(type: string, imageId: string): unknown };
    eventTarget: EventTarget;
    Enums: { Events: Record<string, string> };
    utilities: {
      jumpToSlice(element: HTMLDivElement, options: { imageIndex: number }): Promise<void>;
    };
  };
  cornerstoneTools: {
    segmentation: {
      triggerSegmentationEvents?: {
        triggerSegmentationDataModified?: (segmentationId: string) => void;
      };
    };
    Enums: { SegmentationRepresentations: { Labelmap: string } };
  };
}

/** The host's Cornerstone libraries, from OHIF's cornerstone extension. */
export function hostCornerstone(extensionManager: OhifExtensionManager): HostCornerstone {
  const entry = extensionManager.getModuleEntry('@ohif/extension-cornerstone.utilityModule.common');
  const get = entry?.exports?.getCornerstoneLibraries as (() => HostCornerstone) | undefined;
  if (!get)
    throw new Error(
      'This OHIF viewer has no @ohif/extension-cornerstone: Concord needs its Cornerstone',
    );
  return get();
}
