import { describe, expect, it } from 'vitest';
import {
  channelEndpoints,
  connect,
  expose,
  IDENTITY_DIRECTION,
  type DicomSeriesResult,
  type Grid,
} from '@concord/core';
import type { EvaluationReport } from '@concord/metrics';
import { EMPTY } from '@concord/metrics/session';
import { createExportApi, type ExportApi } from './exportApi.ts';

describe('export worker API', () => {
  it('builds only from the arrays staged for its token, and says which one is missing', async () => {
    const [a, b] = channelEndpoints();
    expose(createExportApi(), b);
    const remote = connect<ExportApi>(a);
    const grid: Grid = {
      dims: [2, 2, 1],
      spacing: [1, 1, 1],
      origin: [0, 0, 0],
      direction: [...IDENTITY_DIRECTION],
    };
    // arrays staged for another (older) build are not used
    await remote.call('stage', { token: 1, name: 'image', data: new Int16Array(4) });
    await remote.call('stage', { token: 2, name: 'reference', data: new Uint8Array(4) });
    const build = remote.call('build', {
      token: 2,
      series: { volume: { ...grid, data: EMPTY } } as unknown as DicomSeriesResult,
      reference: { ...grid, data: EMPTY },
      prediction: { ...grid, data: EMPTY },
      report: {} as EvaluationReport,
      segments: [],
      algorithm: { name: 'm', version: '1' },
      includePhi: false,
    });
    await expect(build).rejects.toThrow('The image array was not sent to the export worker');
    remote.close();
  });
});
