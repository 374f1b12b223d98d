/** Types the extensions' panels use (type-only imports; the app is not a runtime dependency). */
export type { SharedResults, ViewerBridge, ViewerPanelProps } from './viewerBridge.ts';
export type { OverlaySource, OverlayState, OverlayStyle } from './segmentation/overlayManager.ts';
export type { ModelConfig, AppConfig } from './appConfig.ts';
