import { useCommands } from '../composables/use-commands.js';
import { useUiStore } from '../stores/ui.js';
import { useDevicesStore } from './devices-store.js';

/** The palette's way to the Devices panel, and straight to pairing from there. */
export function useDeviceCommands(): void {
  const ui = useUiStore();
  const devices = useDevicesStore();

  useCommands([
    {
      id: 'devices.open',
      title: 'Devices…',
      group: 'General',
      keys: [],
      when: () => ui.settingsOpen !== 'devices',
      run: () => {
        ui.settingsOpen = 'devices';
      },
    },
    {
      id: 'devices.pair',
      title: 'Pair a new device',
      group: 'General',
      keys: [],
      run: () => {
        ui.settingsOpen = 'devices';
        devices.requestDialog('pair');
      },
    },
    {
      id: 'devices.join',
      title: 'Join another device',
      group: 'General',
      keys: [],
      run: () => {
        ui.settingsOpen = 'devices';
        devices.requestDialog('join');
      },
    },
  ]);
}
