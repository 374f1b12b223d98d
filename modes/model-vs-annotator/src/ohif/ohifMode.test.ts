// @vitest-environment happy-dom
/**
 * The OHIF runtime entries (docs/ohif.md) in the real @ohif/core ExtensionManager, as stock
 * OHIF 3.13 registers them: each extension's runtime plugin registers under its id, every panel
 * the OHIF mode shows resolves to a hook-free island component, the worst-slice commands get
 * the viewer's current host, and the mode lists Concord's extensions by URL next to its file.
 */
import { describe, expect, it } from 'vitest';
import { createOhifManagers, type OhifPanelEntry } from '@concord/core/ohif';
import inference from '@concord/extension-onnx-inference/ohif';
import metrics from '@concord/extension-segmentation-metrics/ohif';
import disagreement from '@concord/extension-disagreement/ohif';
import reportExport from '@concord/extension-report-export/ohif';
import { COMMAND_IDS } from '@concord/extension-disagreement/ids';
import { registeredSession } from '@concord/ohif-host';
import { OHIF_EXTENSION_FILES } from './files.ts';
import ohifMode from './index.ts';
import { ohifExtensionDependencies, hangingProtocol } from './mode.ts';
import { EXTENSIONS, MODE_ID, PANELS } from '../index.ts';

const PLUGINS = [inference, metrics, disagreement, reportExport];

async function registered() {
  const managers = createOhifManagers();
  for (const p of PLUGINS) await managers.extensionManager.registerExtension(p as never);
  return managers;
}

describe('Concord as OHIF runtime plugins', () => {
  it('registers each plugin under the id of its extension', async () => {
    const { extensionManager } = await registered();
    expect([...extensionManager.registeredExtensionIds].sort()).toEqual(
      Object.keys(EXTENSIONS).sort(),
    );
  });

  it('shows each panel of the mode as a hook-free island rendering one div', async () => {
    const { extensionManager } = await registered();
    const route = ohifMode.modeFactory().routes[0];
    const { leftPanels, rightPanels } = route.layoutTemplate().props;
    // more than six tabs on one side and OHIF's collapse button covers the first
    expect(rightPanels.length).toBeLessThanOrEqual(6);
    for (const id of Object.values(PANELS)) {
      expect([...leftPanels, ...rightPanels]).toContain(id);
      const entry = extensionManager.getModuleEntry(id) as OhifPanelEntry | undefined;
      expect(entry, id).toBeDefined();
      expect(entry?.iconName).toMatch(/^tab-/);
      const Island = entry!.component as unknown as () => { type: string; props: object };
      // called as OHIF's React would: no hooks, so no other React's dispatcher is needed
      const element = Island();
      expect(element.type).toBe('div');
      expect(element.props).toMatchObject({ className: 'concord-island' });
    }
  });

  it('gives the worst-slice commands the viewer’s current host', async () => {
    const { extensionManager, servicesManager, commandsManager } = await registered();
    // no session yet: the command has no viewer and does nothing
    expect(commandsManager.runCommand(COMMAND_IDS.nextWorstSlice, {}, 'DISAGREEMENT')).toBeNull();
    expect(registeredSession(servicesManager)).toBeUndefined();
    expect(extensionManager).toBeDefined();
  });

  it('lists Concord’s extensions by URL next to the mode file (3.13) or by id (3.14)', () => {
    const byUrl = ohifExtensionDependencies(false);
    const urls = Object.keys(byUrl).filter((k) => !k.startsWith('@ohif/'));
    expect(urls).toHaveLength(Object.keys(OHIF_EXTENSION_FILES).length);
    // absolute paths in one folder: where the mode file itself is served
    const folders = new Set(urls.map((u) => u.slice(0, u.lastIndexOf('/') + 1)));
    expect(folders.size).toBe(1);
    expect([...folders][0]).toMatch(/^\//);
    for (const [id, file] of Object.entries(OHIF_EXTENSION_FILES)) {
      expect(byUrl[`${[...folders][0]}${file}`], id).toBe(EXTENSIONS[id]);
      expect(byUrl[id]).toBeUndefined();
    }
    expect(byUrl['@ohif/extension-cornerstone']).toBeDefined();
    const byId = ohifExtensionDependencies(true);
    for (const id of Object.keys(OHIF_EXTENSION_FILES)) expect(byId[id]).toBe(EXTENSIONS[id]);
    expect(ohifMode.id).toBe(MODE_ID);
  });

  it('opens the image series on its middle slice', () => {
    const vp = hangingProtocol.stages[0].viewports[0].viewportOptions;
    expect(vp.initialImageOptions).toEqual({ preset: 'middle' });
    expect(vp.viewportType).toBe('stack');
  });
});
