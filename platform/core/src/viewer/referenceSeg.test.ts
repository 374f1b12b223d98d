import { describe, expect, it } from 'vitest';
import { GeometryMismatchError } from '../errors/index.ts';
import { chooseReferenceSeg, segAuthor, segSeriesOf, type ReadSeg } from './referenceSeg.ts';

const manual = { algorithmType: 'MANUAL' };
const semi = { algorithmType: 'SEMIAUTOMATIC' };
const auto = { algorithmType: 'AUTOMATIC' };

const series = (uid: string, Modality = 'SEG', SeriesDescription?: string) => ({
  SeriesInstanceUID: uid,
  Modality,
  SeriesDescription,
});

/** readSeg over a table uid -> segments (or an error), recording what it was asked to read. */
function reader(table: Record<string, ReadSeg<string>['segments'] | Error>) {
  const asked: string[] = [];
  const read = async (s: { SeriesInstanceUID: string }): Promise<ReadSeg<string>> => {
    asked.push(s.SeriesInstanceUID);
    const t = table[s.SeriesInstanceUID];
    if (t instanceof Error) throw t;
    return { labels: `labels of ${s.SeriesInstanceUID}`, segments: t };
  };
  return { read, asked };
}

describe('reference SEG choice', () => {
  it('a SEG is a model’s only when every segment is AUTOMATIC', () => {
    expect(segAuthor([auto, auto])).toBe('model');
    expect(segAuthor([auto, manual])).toBe('annotator');
    expect(segAuthor([semi])).toBe('annotator');
  });
  it('candidates are the SEG series, in listed order', () => {
    const list = [series('1', 'MR'), series('2'), series('3', 'SR'), series('4')];
    expect(segSeriesOf(list).map((s) => s.SeriesInstanceUID)).toEqual(['2', '4']);
  });
  it('an annotator’s SEG wins over a model’s listed before it', async () => {
    const { read, asked } = reader({ m: [auto], a: [manual, auto], b: [manual] });
    const list = [series('img', 'MR'), series('m', 'SEG', 'Model'), series('a', 'SEG', 'Ann')];
    const choice = await chooseReferenceSeg([...list, series('b')], read);
    expect(choice.chosen).toMatchObject({
      labels: 'labels of a',
      title: 'Ann',
      author: 'annotator',
    });
    expect(asked).toEqual(['m', 'a']); // stops at the first annotator's SEG
    expect(choice.problems).toEqual([]);
  });
  it('a model’s SEG (the first of them) is the reference only when there is no other', async () => {
    const { read } = reader({ m1: [auto], m2: [auto], bad: new Error('truncated file') });
    const choice = await chooseReferenceSeg(
      [series('m1'), series('bad', 'SEG', 'Broken'), series('m2')],
      read,
    );
    expect(choice.chosen).toMatchObject({
      labels: 'labels of m1',
      title: 'DICOM SEG',
      author: 'model',
    });
    expect(choice.problems).toEqual(['Broken: Error: truncated file']);
  });
  it('reports every unreadable SEG (by UID without a description) when none can be read', async () => {
    const { read } = reader({
      x: new GeometryMismatchError('The SEG does not reference this series'),
      y: new Error('HTTP 500'),
    });
    const choice = await chooseReferenceSeg([series('x'), series('y', 'SEG', 'Y')], read);
    expect(choice.chosen).toBeNull();
    expect(choice.problems).toEqual([
      'x: The SEG does not reference this series', // a Concord error: its message only
      'Y: Error: HTTP 500',
    ]);
  });
  it('announces each read and stops when aborted', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const { read, asked } = reader({ m: [auto], a: [manual] });
    const done = chooseReferenceSeg([series('m'), series('a')], read, {
      signal: controller.signal,
      onRead: (s) => {
        seen.push(s.SeriesInstanceUID);
        controller.abort();
      },
    });
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['m']);
    expect(asked).toEqual(['m']);
  });
});
