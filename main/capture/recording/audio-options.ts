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
 * `audio: 'loopback'`); macOS only from 13 on (ScreenCaptureKit); Linux not at all through
 * Chromium's screen capture (PipeWire and PulseAudio monitors are not offered to it).
 */
export function planAudio(request: AudioRequest, platform: NodeJS.Platform, osRelease = ''): AudioPlan {
  const notes: string[] = [];
  let systemAudio = request.systemAudio;
  if (systemAudio && !systemAudioAvailable(platform, osRelease)) {
    systemAudio = false;
    notes.push(
      platform === 'darwin'
        ? 'System audio needs macOS 13 or later; recording without it.'
        : platform === 'linux'
          ? 'System audio cannot be recorded on Linux (the screen capture does not offer it); recording without it. Record the microphone, or route the output into a virtual microphone.'
          : 'System audio cannot be recorded on this system; recording without it.',
    );
  }
  return { microphone: request.microphone, systemAudio, notes };
}

function systemAudioAvailable(platform: NodeJS.Platform, osRelease: string): boolean {
  if (platform === 'win32') return true;
  // Darwin 22 is macOS 13.
  if (platform === 'darwin') return Number.parseInt(osRelease.split('.')[0] ?? '', 10) >= 22;
  return false;
}

/** The sound this OS lets a recording take: the tray offers a tick for each, and only these. */
export function offeredAudio(platform: NodeJS.Platform, osRelease = ''): AudioRequest {
  const plan = planAudio({ microphone: true, systemAudio: true }, platform, osRelease);
  return { microphone: plan.microphone, systemAudio: plan.systemAudio };
}
