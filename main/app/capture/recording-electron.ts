// The desktop app's SegmentRecorder: a hidden window records the chosen desktopCapturer source with
// MediaRecorder (WebM, VP9/Opus) and sends its chunks here, where each segment is written to a file.
// Thin and type-checked here; the hidden page is the `recorder` half of the recording IPC below.
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import type { AudioPlan } from '../../capture/recording/audio-options.js';
import type { SegmentRecorder } from '../../capture/recording/segment-recorder.js';

const CHANNEL = 'clipshot-recording';

export function electronSegmentRecorder(options: { window: BrowserWindow; sourceId: string; audio: AudioPlan; dir: string }): SegmentRecorder {
  let file: WriteStream | null = null;
  let index = 0;
  let finished: ((error?: Error) => void) | null = null;

  const onMessage = (event: IpcMainEvent, message: { type: 'chunk'; bytes: Uint8Array } | { type: 'stopped' } | { type: 'failed'; reason: string }) => {
    // Only the hidden recorder window speaks on this channel.
    if (event.sender !== options.window.webContents) return;
    if (message.type === 'chunk') file?.write(message.bytes);
    else if (message.type === 'stopped') finished?.();
    else finished?.(new Error(message.reason));
  };
  ipcMain.on(CHANNEL, onMessage);

  return {
    startSegment: async () => {
      await fs.mkdir(options.dir, { recursive: true });
      const target = path.join(options.dir, `segment-${index}.webm`);
      file = createWriteStream(target);
      const started = new Promise<void>((resolve, reject) => {
        finished = (error) => (error ? reject(error) : resolve());
      });
      options.window.webContents.send(CHANNEL, { type: 'start', sourceId: options.sourceId, microphone: options.audio.microphone, systemAudio: options.audio.systemAudio });
      // The page answers 'stopped' at once when it could not start (no permission), with a reason.
      await Promise.race([started, new Promise((resolve) => setTimeout(resolve, 500))]);
    },
    stopSegment: async () => {
      const stopped = new Promise<void>((resolve, reject) => {
        finished = (error) => (error ? reject(error) : resolve());
      });
      options.window.webContents.send(CHANNEL, { type: 'stop' });
      await stopped;
      const target = path.join(options.dir, `segment-${index}.webm`);
      await new Promise<void>((resolve) => (file ? file.end(resolve) : resolve()));
      file = null;
      index += 1;
      return target;
    },
    discard: async (segments) => {
      options.window.webContents.send(CHANNEL, { type: 'stop' });
      file?.destroy();
      file = null;
      ipcMain.removeListener(CHANNEL, onMessage);
      await Promise.all(segments.map((segment) => fs.rm(segment, { force: true })));
    },
  };
}
