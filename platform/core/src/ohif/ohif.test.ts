// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  createOhifManagers,
  DicomMetadataStore,
  PubSubService,
  type OhifExtension,
} from './index.ts';

describe('@ohif/core facade (the real OHIF classes)', () => {
  it('registers an extension in ExtensionManager and runs its command through CommandsManager', async () => {
    const { extensionManager, commandsManager } = createOhifManagers();
    const calls: number[] = [];
    const extension: OhifExtension = {
      id: '@concord/test-extension',
      getCommandsModule: () => ({
        definitions: {
          concordAdd: {
            commandFn: ({ a, b }) => {
              calls.push(1);
              return (a as number) + (b as number);
            },
          },
        },
        defaultContext: 'CONCORD',
      }),
    };
    await extensionManager.registerExtension(extension);
    expect(extensionManager.registeredExtensionIds).toContain('@concord/test-extension');
    expect(commandsManager.runCommand('concordAdd', { a: 2, b: 40 }, 'CONCORD')).toBe(42);
    expect(calls).toHaveLength(1);
  });

  it('PubSubService delivers broadcast events to subscribers', () => {
    const pubsub = new PubSubService({ DONE: 'event::done' });
    const seen: unknown[] = [];
    const sub = pubsub.subscribe('event::done', (d) => seen.push(d));
    pubsub._broadcastEvent('event::done', { ok: true });
    sub.unsubscribe();
    pubsub._broadcastEvent('event::done', { ok: false });
    expect(seen).toEqual([{ ok: true }]);
  });

  it('DicomMetadataStore stores and returns instances by UID', () => {
    DicomMetadataStore.addInstances([
      {
        StudyInstanceUID: '1.2.840.1',
        SeriesInstanceUID: '1.2.840.1.1',
        SOPInstanceUID: '1.2.840.1.1.1',
        Modality: 'MR',
      },
    ]);
    expect(
      DicomMetadataStore.getInstance('1.2.840.1', '1.2.840.1.1', '1.2.840.1.1.1')?.Modality,
    ).toBe('MR');
  });
});
