/**
 * Which DICOM SEG of a study becomes the reference (the annotator's labelmap) of an image
 * series. An annotator's SEG (any MANUAL or SEMIAUTOMATIC segment) wins over a model's (every
 * segment AUTOMATIC, e.g. one a viewer sent to the PACS earlier); a model's SEG is the reference
 * only when no annotator's SEG can be read. Among SEGs of the same author the first listed wins.
 */
import { userMessage } from '../errors/index.ts';

export type SegAuthor = 'annotator' | 'model';

/** Who made a SEG, from its segments' Segment Algorithm Type. */
export function segAuthor(segments: ReadonlyArray<{ algorithmType: string }>): SegAuthor {
  return segments.every((s) => s.algorithmType === 'AUTOMATIC') ? 'model' : 'annotator';
}

export interface SegSeriesSummary {
  SeriesInstanceUID: string;
  Modality: string;
  SeriesDescription?: string;
}

/** The SEG series of a study, in listed order: the candidates for the reference. */
export function segSeriesOf<S extends SegSeriesSummary>(series: readonly S[]): S[] {
  return series.filter((s) => s.Modality === 'SEG');
}

/** What `readSeg` returns for one SEG: its labelmap on the image grid and its segments. */
export interface ReadSeg<L> {
  labels: L;
  segments: ReadonlyArray<{ algorithmType: string }>;
}

export interface ReferenceSegChoice<L, S> {
  /** The chosen SEG, or null when none could be read. */
  chosen: { series: S; labels: L; title: string; author: SegAuthor } | null;
  /** One line per SEG that could not be read (`description: reason`). */
  problems: string[];
}

/**
 * Reads the study's SEG series one by one (`readSeg` fetches and decodes one onto the image
 * grid) until an annotator's SEG is found, and returns the choice. `onRead` is called before
 * each read (for a status line); an aborted `signal` stops between reads (AbortError).
 */
export async function chooseReferenceSeg<L, S extends SegSeriesSummary>(
  series: readonly S[],
  readSeg: (seg: S) => Promise<ReadSeg<L>>,
  options: { signal?: AbortSignal; onRead?: (seg: S) => void } = {},
): Promise<ReferenceSegChoice<L, S>> {
  const problems: string[] = [];
  let model: ReferenceSegChoice<L, S>['chosen'] = null;
  for (const seg of segSeriesOf(series)) {
    options.signal?.throwIfAborted();
    options.onRead?.(seg);
    let read: ReadSeg<L>;
    try {
      read = await readSeg(seg);
    } catch (e) {
      problems.push(`${seg.SeriesDescription || seg.SeriesInstanceUID}: ${userMessage(e)}`);
      continue;
    }
    options.signal?.throwIfAborted();
    const title = seg.SeriesDescription || 'DICOM SEG';
    const author = segAuthor(read.segments);
    if (author === 'annotator')
      return { chosen: { series: seg, labels: read.labels, title, author }, problems };
    model ??= { series: seg, labels: read.labels, title, author };
  }
  return { chosen: model, problems };
}
