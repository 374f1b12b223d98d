/**
 * The label-file worker of a viewer (a browser module worker): reads a DICOM SEG, RTSTRUCT or
 * NIfTI labelmap onto the displayed series off the main thread (labelFiles.ts).
 */
import { expose, type Endpoint } from '../rpc/index.ts';
import { createLabelFileApi } from './labelFiles.ts';

/** The worker's global scope, as an RPC endpoint (core has no DOM types). */
declare const self: Endpoint;

expose(createLabelFileApi(), self);
