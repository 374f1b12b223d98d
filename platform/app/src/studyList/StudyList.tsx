/**
 * Study list and series browser of the active data source. Every DICOM string is rendered
 * as React text (escaped); nothing here sets HTML.
 */
import { useEffect, useState } from 'react';
import { userMessage } from '@concord/core';
import type { BootedApp, CoreApp } from '../boot.ts';
import type { SeriesSummary, StudySummary } from '../dataSources/types.ts';
import { navigate, viewerUrl } from '../router.ts';
import { DropZone } from './DropZone.tsx';
import { Thumbnail } from './Thumbnail.tsx';

function formatDate(d: string): string {
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d;
}

export function StudyList({
  core,
  ohif,
  dataSourceName,
}: {
  core: CoreApp;
  ohif: BootedApp | null;
  dataSourceName: string;
}) {
  const { config } = core;
  const dataSource = core.dataSources.get(dataSourceName);
  const [studies, setStudies] = useState<StudySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [series, setSeries] = useState<SeriesSummary[] | null>(null);
  const [seriesError, setSeriesError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const mode = core.modes[0].modeFactory();

  useEffect(() => {
    setStudies(null);
    setError(null);
    if (!dataSource) return setError(`No data source named “${dataSourceName}” is configured`);
    dataSource.listStudies().then(setStudies, (e) => setError(userMessage(e)));
  }, [dataSource, dataSourceName, reload]);

  useEffect(() => {
    setSeries(null);
    setSeriesError(null);
    if (!open || !dataSource) return;
    dataSource.listSeries(open).then(setSeries, (e) => setSeriesError(userMessage(e)));
  }, [open, dataSource]);

  return (
    <div className="study-list">
      <div className="toolbar-row">
        <label>
          Data source{' '}
          <select
            data-testid="data-source"
            value={dataSourceName}
            onChange={(e) => navigate(`/?dataSource=${encodeURIComponent(e.target.value)}`)}
          >
            {config.dataSources.map((d) => (
              <option key={d.name} value={d.name}>
                {d.friendlyName ?? d.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="study-list-error">
          {error}
        </p>
      )}
      {!studies && !error && <p className="muted">Loading studies…</p>}
      {studies && (
        <table className="studies" data-testid="study-list">
          <thead>
            <tr>
              <th>Patient</th>
              <th>Patient ID</th>
              <th>Date</th>
              <th>Description</th>
              <th>Modalities</th>
              <th>Series</th>
            </tr>
          </thead>
          <tbody>
            {studies.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No studies in this data source.
                </td>
              </tr>
            )}
            {studies.map((s) => {
              const valid = mode.isValidMode({ modalities: s.Modalities });
              return [
                <tr
                  key={s.StudyInstanceUID}
                  className={open === s.StudyInstanceUID ? 'selected study-row' : 'study-row'}
                  data-testid="study-row"
                  // a row is a disclosure button: Tab reaches it, Enter or Space opens its series
                  tabIndex={0}
                  aria-expanded={open === s.StudyInstanceUID}
                  onClick={() => setOpen(open === s.StudyInstanceUID ? null : s.StudyInstanceUID)}
                  onKeyDown={(e) => {
                    if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' '))
                      return;
                    e.preventDefault();
                    setOpen(open === s.StudyInstanceUID ? null : s.StudyInstanceUID);
                  }}
                >
                  <td data-testid="patient-name">{s.PatientName}</td>
                  <td>{s.PatientID}</td>
                  <td>{formatDate(s.StudyDate)}</td>
                  <td>{s.StudyDescription}</td>
                  <td>{s.Modalities}</td>
                  <td>{s.NumSeries ?? ''}</td>
                </tr>,
                open === s.StudyInstanceUID && (
                  <tr key={`${s.StudyInstanceUID}-series`} className="series-browser">
                    <td colSpan={6}>
                      {seriesError && (
                        <p className="error" role="alert">
                          {seriesError}
                        </p>
                      )}
                      {!series && !seriesError && <p className="muted">Loading series…</p>}
                      {series && (
                        <ul className="series-list" data-testid="series-list">
                          {series.map((se) => (
                            <li key={se.SeriesInstanceUID}>
                              {dataSource && (
                                <Thumbnail
                                  dataSource={dataSource}
                                  studyUID={s.StudyInstanceUID}
                                  seriesUID={se.SeriesInstanceUID}
                                  modality={se.Modality}
                                />
                              )}
                              <span className="badge">{se.Modality}</span> #{se.SeriesNumber}{' '}
                              {se.SeriesDescription}{' '}
                              <span className="muted">({se.NumInstances} instances)</span>
                            </li>
                          ))}
                        </ul>
                      )}
                      <button
                        type="button"
                        data-testid="open-study"
                        disabled={!valid.valid}
                        title={valid.description}
                        onClick={() =>
                          navigate(viewerUrl(mode.routeName, s.StudyInstanceUID, dataSourceName))
                        }
                      >
                        Open in {mode.displayName}
                      </button>
                      {!valid.valid && <span className="muted"> {valid.description}</span>}
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
      <DropZone core={core} />
      {ohif && (
        <section data-testid="boot-status" className="boot-status muted">
          <h2>Extensions</h2>
          <ul>
            {ohif.extensionManager.registeredExtensionIds.map((id) => (
              <li key={id}>{id}</li>
            ))}
          </ul>
          <h2>Modes</h2>
          <ul>
            {core.modes.map((m) => (
              <li key={m.id}>{m.modeFactory().displayName}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
