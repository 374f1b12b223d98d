/**
 * Drop DICOM files or a folder here (or choose them): they become the "Local files" data
 * source. Unreadable files are listed with their reason; the rest still open.
 */
import { useRef, useState, type DragEvent } from 'react';
import { createLocalFilesDataSource } from '../dataSources/localFiles.ts';
import type { CoreApp } from '../boot.ts';
import { navigate } from '../router.ts';

/** Files of a drop, folders walked recursively (webkitGetAsEntry). */
async function droppedFiles(e: DragEvent): Promise<File[]> {
  const items = [...e.dataTransfer.items];
  const entries = items
    .map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null))
    .filter((x): x is FileSystemEntry => !!x);
  if (entries.length === 0) return [...e.dataTransfer.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(
        await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej)),
      );
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) =>
          reader.readEntries(res, rej),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

export const LOCAL_SOURCE = 'local-files';

export function DropZone({ core }: { core: CoreApp }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<{
    loaded: number;
    skipped: Array<{ name: string; reason: string }>;
    nifti: string[];
  } | null>(null);

  async function open(files: File[]) {
    if (files.length === 0) return;
    setBusy(true);
    try {
      const result = await createLocalFilesDataSource(files, LOCAL_SOURCE);
      setReport({ loaded: result.loaded, skipped: result.skipped, nifti: result.nifti });
      if (result.loaded === 0) return;
      core.dataSources.set(LOCAL_SOURCE, result.dataSource);
      if (!core.config.dataSources.some((d) => d.name === LOCAL_SOURCE))
        core.config.dataSources.push({
          name: LOCAL_SOURCE,
          type: 'dicomjson',
          friendlyName: 'Local files',
          url: '',
        });
      navigate(`/?dataSource=${LOCAL_SOURCE}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className={over ? 'drop-zone over' : 'drop-zone'}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void droppedFiles(e).then(open);
      }}
    >
      <p>
        Drop DICOM files or a folder here, or{' '}
        {/* a real button (reachable with Tab) that opens the hidden file input */}
        <button
          type="button"
          className="file-button"
          data-testid="local-files-choose"
          onClick={() => input.current?.click()}
        >
          choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="local-files-input"
          onChange={(e) => {
            void open([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
      </p>
      {busy && <p className="muted">Reading files…</p>}
      {report && (
        <div data-testid="drop-report">
          <p
            className={report.loaded ? 'muted' : 'error'}
            role={report.loaded ? undefined : 'alert'}
          >
            {report.loaded} DICOM file{report.loaded === 1 ? '' : 's'} loaded
            {report.skipped.length ? `, ${report.skipped.length} skipped:` : '.'}
          </p>
          {report.nifti.length > 0 && (
            <p className="muted">
              NIfTI: {report.nifti.join(', ')} — open a study, then use “Load…” in the Overlays
              panel to show a labelmap.
            </p>
          )}
          {report.skipped.length > 0 && (
            <ul className="skipped">
              {report.skipped.slice(0, 20).map((s) => (
                <li key={s.name}>{s.reason}</li>
              ))}
              {report.skipped.length > 20 && <li>… and {report.skipped.length - 20} more</li>}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
