// <img> and <video> say only that loading failed; asking the URL again says why when it can.

const MEDIA_ERROR_REASONS: Record<number, string> = {
  1: 'loading was stopped',
  2: 'a network error interrupted it',
  3: 'the file could not be decoded',
  4: 'the format is not supported here',
};

export async function describeMediaFailure(what: 'image' | 'video', url: string, mediaError: MediaError | null): Promise<string> {
  const reason = (await responseProblem(url)) ?? decodeProblem(what, mediaError);
  return `Could not load the ${what}: ${reason}.`;
}

/** What the server said, or null when it served the file fine (the problem is the file). */
async function responseProblem(url: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
  } catch {
    return 'ClipShot could not be reached';
  }
  if (response.ok) return null;
  if (response.status === 404) return 'its file is missing from the library (404)';
  if (response.status === 401 || response.status === 403) return `access was refused (${response.status})`;
  return `the library answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

function decodeProblem(what: 'image' | 'video', mediaError: MediaError | null): string {
  if (what === 'image') return 'the file is not an image this window can show';
  const reason = (mediaError && MEDIA_ERROR_REASONS[mediaError.code]) ?? 'the file could not be played';
  return mediaError?.message ? `${reason} (${mediaError.message})` : reason;
}
