/**
 * The host contract (ViewerHost, @concord/core) as Concord's viewer offers it to the mode's
 * panels; `createSharedResults` backs its `shared` slot.
 */
import { createSharedResults, type HostPanelProps, type ViewerHost } from '@concord/core';

export { createSharedResults };

/** Concord's viewer implements the host contract natively (see @concord/core host). */
export type ViewerBridge = ViewerHost;
export type ViewerPanelProps = HostPanelProps;
