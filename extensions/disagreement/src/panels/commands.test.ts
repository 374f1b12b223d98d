// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ViewerHost } from '@concord/core';
import { createOhifManagers } from '@concord/core/ohif';
import { getEvaluationSession } from '@concord/metrics/session';
import { getCommandsModule } from '../getCommandsModule.ts';
import { COMMAND_IDS } from '../ids.ts';

const { nextWorstSlice: NEXT_WORST_SLICE, previousWorstSlice: PREVIOUS_WORST_SLICE } = COMMAND_IDS;

/** The part of a viewer host the worst-slice steps use: its slice index. */
function host(): ViewerHost {
  let slice = 0;
  return {
    getSliceIndex: () => slice,
    setSliceIndex: (k: number) => {
      slice = k;
    },
  } as ViewerHost;
}

describe('worst-slice commands', () => {
  it('step through the worst slices of the viewer they are given, not of another one', async () => {
    const { extensionManager, commandsManager } = createOhifManagers();
    await extensionManager.registerExtension({ id: 'test.disagreement', getCommandsModule });
    const a = host();
    const b = host();
    // the Disagreement panels of both viewers show a structure; b's mounted last
    getEvaluationSession(a).setWorstSlices([40, 12, 33]);
    getEvaluationSession(b).setWorstSlices([5, 9]);
    expect(commandsManager.runCommand(NEXT_WORST_SLICE, { viewer: a })).toBe(40);
    expect(commandsManager.runCommand(NEXT_WORST_SLICE, { viewer: a })).toBe(12);
    expect(commandsManager.runCommand(PREVIOUS_WORST_SLICE, { viewer: a })).toBe(40);
    expect(a.getSliceIndex()).toBe(40);
    expect(b.getSliceIndex()).toBe(0);
    expect(commandsManager.runCommand(NEXT_WORST_SLICE, { viewer: b })).toBe(5);
    expect(a.getSliceIndex()).toBe(40);
    // a viewer whose panel shows no structure, or no viewer at all: nowhere to go
    getEvaluationSession(a).setWorstSlices(null);
    expect(commandsManager.runCommand(NEXT_WORST_SLICE, { viewer: a })).toBeNull();
    expect(commandsManager.runCommand(NEXT_WORST_SLICE, {})).toBeNull();
  });
});
