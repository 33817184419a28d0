import { describe, expect, it } from 'vitest';
import { migrateDocumentNamespace, SYNCED_DOCUMENT_NAMESPACE } from '../../../main/library/documents/document-namespace.js';
import { detailDocumentId } from '../../../main/library/documents/detail-documents.js';
import { shardDocumentId } from '../../../main/library/documents/shard-documents.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { Library } from '../../../main/library/library.js';
import { changeClipTags } from '../../../main/library/operations/clip-edits.js';
import { importText } from '../../../main/library/importer.js';
import { createTestLibrary } from '../../helpers/library.js';

describe('document ids shared by every library', () => {
  it('are the same in two libraries, so paired devices name the same documents', async () => {
    const first = await createTestLibrary();
    const second = await createTestLibrary();
    expect(first.library.libraryId).not.toBe(second.library.libraryId);
    expect(first.library.shards.documentId(7)).toBe(second.library.shards.documentId(7));
    expect(first.library.settings.documentId).toBe(second.library.settings.documentId);
    await first.library.close();
    await second.library.close();
  });

  it('renames a library made before sync once, keeping every clip, edit and detail document', async () => {
    const { library, dir, store } = await createTestLibrary();
    const imported = await importText(library, 'a note made before sync', { title: 'old' });
    if (imported.type !== 'imported') throw new Error(`not imported: ${imported.type}`);
    const clip = { id: imported.id };
    await changeClipTags(library, clip.id, { add: ['kept'] });
    await library.changeDetails(clip.id, 'text edit', (doc) => {
      doc.text = 'edited before sync';
    });
    await library.close();

    // Put the stored documents back under the ids an older ClipShot derived from the library id.
    const opened = await Library.open(dir, { method: 'secret-store', store });
    const shard = shardOfClip(clip.id);
    const renames: [string, string][] = [
      [shardDocumentId(SYNCED_DOCUMENT_NAMESPACE, shard), shardDocumentId(opened.libraryId, shard)],
      [detailDocumentId(SYNCED_DOCUMENT_NAMESPACE, clip.id), detailDocumentId(opened.libraryId, clip.id)],
    ];
    const rename = opened.db.prepare(`UPDATE am_chunks SET key = ? || substr(key, ?) WHERE key >= ? AND key < ?`);
    for (const [current, legacy] of renames) rename.run(legacy, current.length + 1, `${current}/`, `${current}0`);
    opened.db.prepare(`DELETE FROM meta WHERE key = 'document_namespace'`).run();
    expect(opened.storage.hasDocument(renames[0]![0])).toBe(false);

    expect(migrateDocumentNamespace(opened.db, opened.libraryId)).toBe(SYNCED_DOCUMENT_NAMESPACE);
    for (const [current, legacy] of renames) {
      expect(opened.storage.hasDocument(current)).toBe(true);
      expect(opened.storage.hasDocument(legacy)).toBe(false);
    }
    await opened.close();

    const again = await Library.open(dir, { method: 'secret-store', store });
    expect(again.get(clip.id).tags).toEqual(['kept']);
    expect(await again.details.read(clip.id, (doc) => doc?.text)).toBe('edited before sync');
    await again.close();
  });
});
