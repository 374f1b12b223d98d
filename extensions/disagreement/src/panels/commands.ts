/**
 * Commands of the extension, run by the mode's hotkeys through OHIF's CommandsManager. They act
 * on the viewer they are given (`viewer` in the command options; the host passes its active
 * viewer): on the worst slices its Disagreement panel shows, kept by its evaluation session.
 */
import type { ViewerHost } from '@concord/core';
import type { OhifCommandsModule } from '@concord/core/ohif';
import { rankWorstSlices } from '@concord/metrics';
import { getEvaluationSession, type StructureSummary } from '@concord/metrics/session';
import { COMMAND_IDS, COMMANDS_CONTEXT } from '../ids.ts';

/**
 * Moves `viewer` to the next (1) or previous (-1) worst slice of the structure its
 * Disagreement panel shows; returns the slice, or null (no viewer, no structure chosen).
 */
export function stepToWorstSlice(viewer: ViewerHost | undefined, direction: 1 | -1): number | null {
  return viewer ? getEvaluationSession(viewer).stepToWorstSlice(direction) : null;
}

export function worstSliceRanking(s: StructureSummary): number[] {
  return rankWorstSlices({ axis: 2, fp: s.fp, fn: s.fn });
}

const viewerOf = (options: Record<string, unknown>) => options.viewer as ViewerHost | undefined;

export function getCommandsModule(): OhifCommandsModule {
  return {
    definitions: {
      [COMMAND_IDS.nextWorstSlice]: { commandFn: (o) => stepToWorstSlice(viewerOf(o), 1) },
      [COMMAND_IDS.previousWorstSlice]: { commandFn: (o) => stepToWorstSlice(viewerOf(o), -1) },
    },
    defaultContext: COMMANDS_CONTEXT,
  };
}
