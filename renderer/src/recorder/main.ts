// The hidden recorder page (recorder.html) of the desktop app: records the desktopCapturer source
// main names with MediaRecorder (WebM) and sends the bytes to main, one segment per start/stop
// (main starts a new one at each resume). Only the desktop app opens it.
import type { RecorderCommand, RecorderShell } from '../../../contract/capture/recording-ipc.js';

const shell = (window as unknown as { clipshotRecorder?: RecorderShell }).clipshotRecorder;
let recorder: MediaRecorder | null = null;

/** Chromium's desktop capture constraints: a source id from desktopCapturer. */
function desktopConstraints(sourceId: string, systemAudio: boolean): MediaStreamConstraints {
  const desktop = { mandatory: { chromeMediaSource: 'desktop', chromeMediaSourceId: sourceId } };
  return { video: desktop, audio: systemAudio ? { mandatory: { chromeMediaSource: 'desktop' } } : false } as unknown as MediaStreamConstraints;
}

/**
 * The screen, with the system's sound where asked (Windows loops back the output with it). Where
 * Chromium's desktop capture then offers no sound, the screen alone: losing the picture for the
 * sound would lose the recording.
 */
async function desktopStream(command: Extract<RecorderCommand, { type: 'start' }>): Promise<MediaStream> {
  if (!command.systemAudio) return navigator.mediaDevices.getUserMedia(desktopConstraints(command.sourceId, false));
  try {
    return await navigator.mediaDevices.getUserMedia(desktopConstraints(command.sourceId, true));
  } catch (error) {
    console.warn('ClipShot: the system sound cannot be recorded here; recording without it.', error);
    return navigator.mediaDevices.getUserMedia(desktopConstraints(command.sourceId, false));
  }
}

let mixer: AudioContext | null = null;

/** MediaRecorder records one audio track: the microphone and the system sound are mixed into one. */
function withOneAudioTrack(tracks: MediaStreamTrack[]): MediaStream {
  const audio = tracks.filter((track) => track.kind === 'audio');
  if (audio.length < 2) return new MediaStream(tracks);
  mixer = new AudioContext();
  const mixed = mixer.createMediaStreamDestination();
  for (const track of audio) mixer.createMediaStreamSource(new MediaStream([track])).connect(mixed);
  return new MediaStream([...tracks.filter((track) => track.kind !== 'audio'), ...mixed.stream.getAudioTracks()]);
}

async function start(command: Extract<RecorderCommand, { type: 'start' }>, send: RecorderShell['send']): Promise<void> {
  const screen = await desktopStream(command);
  const tracks = [...screen.getTracks()];
  if (command.microphone) tracks.push(...(await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks());
  const stream = withOneAudioTrack(tracks);
  const type = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'].find((candidate) => MediaRecorder.isTypeSupported(candidate));
  const running = new MediaRecorder(stream, type ? { mimeType: type } : {});
  // Chunks in order: each is read before the next is sent, and 'stopped' waits for the last.
  let sending = Promise.resolve();
  running.ondataavailable = (event) => {
    sending = sending.then(async () => send({ type: 'chunk', bytes: new Uint8Array(await event.data.arrayBuffer()) }));
  };
  running.onstop = () => {
    for (const track of tracks) track.stop();
    void mixer?.close();
    mixer = null;
    void sending.then(() => send({ type: 'stopped' }));
  };
  running.start(1000);
  recorder = running;
}

if (shell) {
  shell.onCommand((command) => {
    if (command.type === 'stop') {
      if (recorder && recorder.state !== 'inactive') recorder.stop();
      else shell.send({ type: 'stopped' });
      recorder = null;
      return;
    }
    start(command, shell.send).catch((error: unknown) => shell.send({ type: 'failed', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
  });
}
