import { describe, expect, it } from 'vitest';
import type { ViewerHost } from '@concord/core';
import { createSharedResults } from '@concord/core';
import type { EvaluationReport } from '../report/report.ts';
import { publishReport, publishedReport } from './sharedReport.ts';

function bridge(series = 'S1'): ViewerHost {
  return {
    studyInstanceUID: 'ST',
    seriesInstanceUID: series,
    shared: createSharedResults(),
  } as unknown as ViewerHost;
}

describe('the Metrics panel report shared with other panels', () => {
  const report = { structures: [] } as unknown as EvaluationReport;

  it('is handed out only for the overlay generations it was computed from', () => {
    const v = bridge();
    expect(publishedReport(v, { generation: 1 }, { generation: 2 })).toBeUndefined();
    publishReport(v, { generation: 1 }, { generation: 2 }, report);
    expect(publishedReport(v, { generation: 1 }, { generation: 2 })).toBe(report);
    // a new prediction (or reference) labelmap has a new generation: no stale report
    expect(publishedReport(v, { generation: 1 }, { generation: 3 })).toBeUndefined();
    expect(publishedReport(v, { generation: 4 }, { generation: 2 })).toBeUndefined();
  });

  it('keeps only the latest report, per bridge', () => {
    const v = bridge();
    publishReport(v, { generation: 1 }, { generation: 2 }, report);
    publishReport(v, { generation: 1 }, { generation: 3 }, report);
    expect(publishedReport(v, { generation: 1 }, { generation: 2 })).toBeUndefined();
    expect(publishedReport(bridge(), { generation: 1 }, { generation: 3 })).toBeUndefined();
  });
});
