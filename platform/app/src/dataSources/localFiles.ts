/**
 * Local DICOM files (dropped on the page or chosen with a file input) as a data source.
 * @concord/core's `loadDroppedFiles` sorts them (DICOM series with a DICOM JSON manifest whose
 * URLs are the file names, NIfTI apart, the rest skipped with a reason); the image loader reads
 * pixels from the File objects (`dicomfile:` imageIds).
 */
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { loadDroppedFiles } from '@concord/core';
import { createDicomJsonDataSource } from './dicomJson.ts';
import { DataSourceError, type DataSource } from './types.ts';

export interface LocalFilesResult {
  dataSource: DataSource;
  loaded: number;
  skipped: Array<{ name: string; reason: string }>;
  /** NIfTI files among them: labelmaps the viewer's "Load…" takes. */
  nifti: string[];
}

const fileName = (f: File) => f.webkitRelativePath || f.name;

/** The file name a manifest URL stands for (`dicomweb:` + URL-encoded path segments). */
export function urlToName(url: string): string {
  return url
    .replace(/^dicomweb:/, '')
    .split('/')
    .map(decodeURIComponent)
    .join('/');
}

export async function createLocalFilesDataSource(
  files: File[],
  name = 'local-files',
): Promise<LocalFilesResult> {
  const inputs = await Promise.all(
    files.map(async (f) => ({ name: fileName(f), bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
  const dropped = loadDroppedFiles(inputs);
  const byName = new Map(files.map((f) => [fileName(f), f]));
  const bytesByName = new Map(inputs.map((i) => [i.name, i.bytes]));
  const imageIds = new Map<string, string>();
  const dataSource = createDicomJsonDataSource(
    { name, friendlyName: 'Local files', url: location.href },
    {
      manifest: dropped.manifest,
      resolver: {
        imageId(url) {
          const n = urlToName(url);
          let id = imageIds.get(n);
          if (!id) {
            const file = byName.get(n);
            if (!file) throw new DataSourceError(`${n} is not among the dropped files`);
            id = wadouri.fileManager.add(file);
            imageIds.set(n, id);
          }
          return id;
        },
        async bytes(url) {
          const b = bytesByName.get(urlToName(url));
          if (!b) throw new DataSourceError(`${urlToName(url)} is not among the dropped files`);
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        },
      },
    },
  );
  const loaded = dropped.manifest.studies.reduce(
    (n, st) => n + st.series.reduce((m, se) => m + se.instances.length, 0),
    0,
  );
  return {
    dataSource,
    loaded,
    skipped: dropped.skipped,
    nifti: dropped.nifti.map((f) => f.name),
  };
}
