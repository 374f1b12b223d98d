/**
 * This extension as a runtime plugin of stock OHIF 3.13 (`npm run build:ohif`, docs/ohif.md):
 * the same modules, its panels in islands with their own React, on the OHIF viewer's host.
 */
import { ohifExtension } from '@concord/ohif-host';
import extension from '../index.ts';

export default ohifExtension(extension);
