// Copying the edited image: fetched as the core renders it (redactions burned in), then put on
// the clipboard as a PNG.

/** The rendered image, or the core's reason for not giving it. */
export async function fetchRendered(url: string): Promise<Blob> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(await failureReason(response));
  return response.blob();
}

export async function copyImageToClipboard(url: string): Promise<void> {
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) throw new Error('this window cannot put images on the clipboard');
  // Fetched first: a rendering the core refuses is reported, never a copy that did not happen.
  const image = await fetchRendered(url);
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': image })]);
}

async function failureReason(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // Not the API's JSON: say what the status was.
  }
  return `the library answered ${response.status}`;
}
