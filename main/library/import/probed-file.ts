export type ProbedFile =
  | { kind: 'image'; mime: string; width: number; height: number; animated: boolean; capturedAt: number | null; thumbnail: Buffer; warnings: string[] }
  | {
      kind: 'video';
      mime: string;
      width: number;
      height: number;
      durationMs: number;
      hasAudio: boolean;
      capturedAt: number | null;
      thumbnail: Buffer | null;
      warnings: string[];
    }
  | { kind: 'text'; mime: 'text/plain' | 'text/markdown'; text: string; warnings: string[] };

export type ProbedImage = Extract<ProbedFile, { kind: 'image' }>;
export type ProbedVideo = Extract<ProbedFile, { kind: 'video' }>;
export type ProbedText = Extract<ProbedFile, { kind: 'text' }>;
