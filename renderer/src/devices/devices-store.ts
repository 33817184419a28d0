import { defineStore } from 'pinia';
import { onScopeDispose, ref, watch } from 'vue';
import { ApiError } from '../../../contract/api.js';
import type { DeviceView, SyncStatus } from '../../../contract/devices.js';
import { useApi } from '../api/use-api.js';
import { describeError } from '../lib/describe-error.js';
import { useConnectionStore } from '../stores/connection.js';

/** A dialog of the Devices panel that a command asked for (the palette's "Pair a new device"). */
export type DevicesDialog = 'pair' | 'join';

/** Sync's status as the window shows it: fetched when the panel opens, then kept fresh by 'sync-changed' events. */
export const useDevicesStore = defineStore('devices', () => {
  const api = useApi();
  const connection = useConnectionStore();
  const status = ref<SyncStatus | null>(null);
  /** Why there is no status: sync is not running in this instance, or the request failed. */
  const failure = ref<{ unsupported: boolean; message: string } | null>(null);
  const requestedDialog = ref<DevicesDialog | null>(null);
  // Bumped by every event: an answer to a request sent before the latest event is older than what is shown.
  let version = 0;

  async function refresh(): Promise<void> {
    const asked = version;
    try {
      const fresh = await api.syncStatus({});
      if (asked !== version) return;
      status.value = fresh;
      failure.value = null;
    } catch (error) {
      if (asked !== version) return;
      failure.value = { unsupported: error instanceof ApiError && error.code === 'unsupported', message: describeError(error) };
    }
  }

  const unsubscribe = api.onEvent((event) => {
    if (event.type !== 'sync-changed') return;
    version++;
    status.value = event.status;
    failure.value = null;
  });
  onScopeDispose(unsubscribe);
  // Events sent while the connection was down are lost.
  watch(
    () => connection.recoveries,
    () => void refresh(),
  );

  // Each change shows its answer at once; the event that follows says the same, or newer.
  async function rename(name: string): Promise<void> {
    const device = await api.renameDevice({ name });
    if (status.value) status.value = { ...status.value, device };
  }

  async function unpair(device: DeviceView): Promise<void> {
    await api.unpairDevice({ device: device.id });
    if (status.value) status.value = { ...status.value, devices: status.value.devices.filter((candidate) => candidate.id !== device.id) };
  }

  async function setOriginals(mode: SyncStatus['originals']): Promise<void> {
    await api.setOriginals({ mode });
    if (status.value) status.value = { ...status.value, originals: mode };
  }

  async function join(code: string, peer: string): Promise<DeviceView> {
    const device = await api.joinDevice({ code, peer });
    await refresh();
    return device;
  }

  async function connect(peer: string): Promise<void> {
    await api.connectDevice({ peer });
  }

  function requestDialog(dialog: DevicesDialog): void {
    requestedDialog.value = dialog;
  }

  return { status, failure, requestedDialog, refresh, rename, unpair, setOriginals, join, connect, requestDialog };
});
