/**
 * The login page of `serve` beyond this device: a plain form (no script), so it works with the
 * keyboard and screen readers as the browser's own controls do, under a policy allowing nothing
 * but its stylesheet and posting to itself.
 */
export const LOGIN_PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: under it Chromium sends `Origin: null` with a form's POST, and the login checks its Origin.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export const LOGIN_STYLESHEET_PATH = '/login.css';

/** Only these fixed messages are ever shown: nothing from the request is written into the page. */
export type LoginNotice = 'none' | 'wrong' | 'wait' | 'idle' | 'lifetime' | 'logged-out' | 'busy';

export function loginPage(notice: LoginNotice, waitSeconds = 0): string {
  const message = noticeText(notice, waitSeconds);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in – ClipShot</title>
<link rel="stylesheet" href="${LOGIN_STYLESHEET_PATH}">
</head>
<body>
<main>
<h1>ClipShot</h1>
<p>This library is served over the network. Enter its passphrase to open it.</p>
<p id="login-message" class="message${notice === 'wrong' || notice === 'wait' || notice === 'busy' ? ' error' : ''}" role="alert">${message}</p>
<form method="post" action="/login">
<label for="passphrase">Library passphrase</label>
<input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required autofocus aria-describedby="login-message">
<button type="submit">Log in</button>
</form>
<p class="hint">Before typing it, check that the certificate fingerprint your browser shows (the padlock or warning next to the address, then the certificate) is the SHA-256 fingerprint <code>clipshot serve</code> printed.</p>
</main>
</body>
</html>
`;
}

function noticeText(notice: LoginNotice, waitSeconds: number): string {
  switch (notice) {
    case 'none':
      return '';
    case 'wrong':
      return waitSeconds > 0 ? `That passphrase is not this library's. Wait ${waitSeconds} s before the next try.` : "That passphrase is not this library's. Try again.";
    case 'wait':
      return `Too many wrong tries: wait ${waitSeconds} s, then try again.`;
    case 'busy':
      return 'Too many logins at once: try again in a moment.';
    case 'idle':
      return 'Your session ended after a while without use. Log in again.';
    case 'lifetime':
      return 'Your session reached its time limit. Log in again.';
    case 'logged-out':
      return 'You logged out.';
  }
}

export const LOGIN_STYLESHEET = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
main { max-width: 26rem; padding: 2rem; }
h1 { margin-top: 0; }
form { display: grid; gap: 0.5rem; margin: 1rem 0; }
input, button { font: inherit; padding: 0.5rem; }
input:focus-visible, button:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
.message:empty { display: none; }
.message { padding: 0.5rem; border-left: 4px solid currentColor; }
.error { color: #b00020; }
@media (prefers-color-scheme: dark) { .error { color: #ff8a80; } }
.hint { font-size: 0.9em; opacity: 0.85; }
`;
