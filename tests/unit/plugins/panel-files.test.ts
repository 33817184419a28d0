// Which files a panel path may name: the installed version's panel folder and nothing else, and
// the policy the page gets (no network, scripts and styles from that folder only).
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelSecurityHeaders, panelUrl, resolvePanelFile } from '../../../main/plugins/panel-files.js';
import { PluginStore } from '../../../main/plugins/store/plugin-store.js';
import { tempDir } from '../../helpers/temp.js';
import { installTestPlugin } from '../../helpers/test-plugins.js';

async function storeWithPanel(): Promise<PluginStore> {
  const dir = await tempDir();
  await installTestPlugin(dir, {
    id: 'acme.stats',
    source: 'export default {};',
    permissions: ['ui:panel'],
    contributes: { panels: [{ id: 'acme.stats.panel', title: 'Stats', entry: 'panel/index.html' }] },
    files: { 'panel/index.html': '<!doctype html>', 'panel/panel.js': '', 'panel/notes.bin': 'x', 'secret.txt': 'not for the frame' },
  });
  await installTestPlugin(dir, { id: 'acme.plain', source: 'export default {};', files: { 'panel/index.html': '<!doctype html>' } });
  return new PluginStore({ dir });
}

describe('plugin panel files', () => {
  it('serves the entry and the files beside it, and nothing else of the package or of other plugins', async () => {
    const store = await storeWithPanel();
    const url = panelUrl('acme.stats', '1.0.0', 'panel/index.html');
    expect(url).toBe('/plugin-panels/acme.stats/1.0.0/panel/index.html');
    const entry = await resolvePanelFile(store, url);
    expect(entry).toMatchObject({ file: path.join(store.dir, 'acme.stats', '1.0.0', 'panel', 'index.html'), mime: 'text/html; charset=utf-8', folderPath: '/plugin-panels/acme.stats/1.0.0/panel/' });
    expect(await resolvePanelFile(store, '/plugin-panels/acme.stats/1.0.0/panel/panel.js')).not.toBeNull();
    for (const refused of [
      '/plugin-panels/acme.stats/1.0.0/secret.txt',
      '/plugin-panels/acme.stats/1.0.0/index.js',
      '/plugin-panels/acme.stats/1.0.0/package.json',
      '/plugin-panels/acme.stats/1.0.0/panel/../secret.txt',
      '/plugin-panels/acme.stats/1.0.0/panel/..%2Fsecret.txt',
      '/plugin-panels/acme.stats/1.0.0/panel/notes.bin',
      '/plugin-panels/acme.stats/..%2F..%2Facme.stats/panel/index.html',
      '/plugin-panels/acme.stats/2.0.0/panel/index.html',
      '/plugin-panels/acme.plain/1.0.0/panel/index.html',
      '/plugin-panels/acme.none/1.0.0/panel/index.html',
      '/plugin-panels/acme.stats',
    ]) {
      expect(await resolvePanelFile(store, refused), refused).toBeNull();
    }
    // A removed plugin's panel is gone with it.
    await fs.rm(path.join(store.dir, 'acme.stats'), { recursive: true });
    expect(await resolvePanelFile(store, url)).toBeNull();
  });

  it('gives the page no network and only its own folder’s scripts and styles, framed only by the app', async () => {
    const store = await storeWithPanel();
    const file = (await resolvePanelFile(store, '/plugin-panels/acme.stats/1.0.0/panel/index.html'))!;
    const headers = panelSecurityHeaders('http://127.0.0.1:5000', file);
    expect(headers['Content-Security-Policy']!.split('; ')).toEqual([
      "default-src 'none'",
      'script-src http://127.0.0.1:5000/plugin-panels/acme.stats/1.0.0/panel/',
      'style-src http://127.0.0.1:5000/plugin-panels/acme.stats/1.0.0/panel/',
      'img-src http://127.0.0.1:5000/plugin-panels/acme.stats/1.0.0/panel/ data:',
      "frame-ancestors 'self'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    expect(headers['X-Frame-Options']).toBe('SAMEORIGIN');
  });
});
