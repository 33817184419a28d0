/** Which sound a recording takes along. */
export interface AudioRequest {
  microphone: boolean;
  systemAudio: boolean;
}

export interface AudioPlan extends AudioRequest {
  /** What was asked for and cannot be had here, in words, for the person. */
  notes: string[];
}

/**
 * What the OS lets a recording capture. The microphone goes through getUserMedia everywhere (after
 * the OS's permission). System audio: Windows loops back the output (desktopCapturer's
 * `audio: 'loopback'`). Not macOS yet: ScreenCaptureKit (13 and later) would give it through
 * Electron's display-media handler, which the recorder does not use, so a tick there would record
 * nothing. Linux not at all through Chromium's screen capture (PipeWire and PulseAudio monitors
 * are not offered to it).
 */
export function planAudio(request: AudioRequest, platform: NodeJS.Platform): AudioPlan {
  const notes: string[] = [];
  let systemAudio = request.systemAudio;
  if (systemAudio && !systemAudioAvailable(platform)) {
    systemAudio = false;
    notes.push(
      platform === 'darwin'
        ? 'System audio cannot be recorded on macOS yet; recording without it. Record the microphone instead.'
        : platform === 'linux'
          ? 'System audio cannot be recorded on Linux (the screen capture does not offer it); recording without it. Record the microphone, or route the output into a virtual microphone.'
          : 'System audio cannot be recorded on this system; recording without it.',
    );
  }
  return { microphone: request.microphone, systemAudio, notes };
}

function systemAudioAvailable(platform: NodeJS.Platform): boolean {
  return platform === 'win32';
}

/** The sound this OS lets a recording take: the tray offers a tick for each, and only these. */
export function offeredAudio(platform: NodeJS.Platform): AudioRequest {
  const plan = planAudio({ microphone: true, systemAudio: true }, platform);
  return { microphone: plan.microphone, systemAudio: plan.systemAudio };
}
