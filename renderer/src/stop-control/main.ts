// The stop-control page (stop-control.html): the small always-on-top window a recording keeps on
// screen. Its state comes from main and its buttons go back through the preload's `clipshotStopControl`.
import { createApp, h, ref } from 'vue';
import type { RecordingState, StopControlShell } from '../../../contract/capture/recording-ipc.js';
import StopControl from './StopControl.vue';
import '../styles/theme.css';

const shell = (window as unknown as { clipshotStopControl?: StopControlShell }).clipshotStopControl;
const root = document.getElementById('stop-control');
if (shell && root) {
  const state = ref<RecordingState>({ phase: 'recording', segments: 1, recordedMs: 0 });
  shell.onState((next) => (state.value = next));
  createApp({ setup: () => () => h(StopControl, { state: state.value, onAct: shell.act }) }).mount(root);
  document.documentElement.dataset.ready = 'true';
}
