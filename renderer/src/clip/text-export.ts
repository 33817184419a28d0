/** A file name from a clip's title: no path separators or characters file systems refuse. */
export function textFileName(title: string): string {
  const base = title
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, '-')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .slice(0, 100);
  return `${base || 'clip'}.txt`;
}

/** Lets the browser save `text` as a UTF-8 .txt file. */
export function downloadText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  downloadUrl(url, fileName);
  // The download has started from the URL by then; a minute is ample even for a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Lets the browser save what a URL serves (the server's name for it unless `fileName` is given). */
export function downloadUrl(url: string, fileName = ''): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.click();
}
