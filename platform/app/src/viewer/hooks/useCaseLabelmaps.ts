/**
 * A case opened from the cohort view (docs/cohort.md, "Opening a case"): its reference and
 * prediction files, named by the viewer's address (`reference=`, `prediction=`), are fetched
 * from the folder `concord serve` serves (never another origin or a path outside it) and
 * loaded as the reference and prediction overlays once the series is shown, reference first.
 */
import { useEffect, useRef } from 'react';
import { userMessage } from '@concord/core';
import { servedLabelmapUrl } from '../../caseLinks.ts';
import type { OverlaySource } from '../../segmentation/overlayManager.ts';

export interface CaseLabelmaps {
  reference: string | null;
  prediction: string | null;
}

/** The file at a served address, named by its last path segment (the readers look at it). */
async function fetchLabelFile(raw: string): Promise<File> {
  const url = servedLabelmapUrl(raw, location.origin);
  const res = await fetch(url).catch(() => {
    throw new Error(`the server could not be reached for ${new URL(url).pathname}`);
  });
  if (!res.ok) throw new Error(`${new URL(url).pathname}: HTTP ${res.status}`);
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'labelmap');
  return new File([await res.blob()], name);
}

export function useCaseLabelmaps({
  files,
  ready,
  load,
  setWarning,
}: {
  files: CaseLabelmaps;
  /** true once the series is shown and the host can take labelmaps */
  ready: boolean;
  load: ((source: OverlaySource, file: File) => Promise<void>) | null;
  /** a file that cannot be read is said next to its source (not in the shared status line) */
  setWarning: (source: OverlaySource, warning: string | null) => void;
}) {
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !ready || !load || (!files.reference && !files.prediction)) return;
    done.current = true;
    (async () => {
      for (const source of ['reference', 'prediction'] as const) {
        const raw = files[source];
        if (!raw) continue;
        let file: File;
        try {
          file = await fetchLabelFile(raw);
        } catch (e) {
          setWarning(source, `Could not read the case's ${source}: ${userMessage(e)}`);
          continue;
        }
        await load(source, file);
      }
    })();
    // setWarning is left out: the viewer's setter; the files are read once per viewer
  }, [ready, load, files.reference, files.prediction]);
}
