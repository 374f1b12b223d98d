/**
 * The host contract (ViewerHost, @concord/core) as Concord's viewer offers it to the mode's
 * panels.
 */
import type { HostPanelProps, ViewerHost } from '@concord/core';

/** Concord's viewer implements the host contract natively (see @concord/core host). */
export type ViewerBridge = ViewerHost;
export type ViewerPanelProps = HostPanelProps;
