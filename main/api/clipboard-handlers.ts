// The API's clipboard picker methods, over the library's clipboard history. Without a paster (a
// browser, `serve`) a paste only says what it would paste, and the page copies it itself.
import type { API_REQUEST_SCHEMAS, ApiResults } from '../../contract/api.js';
import { createPickerService, type Paster } from '../capture/clipboard/picker-service.js';
import type { Library } from '../library/library.js';

type PickerMethod = 'clipboardItems' | 'pasteClipboardItem' | 'pinClipboardItem';
type Params<M extends PickerMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type ClipboardHandlers = { [M in PickerMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

export function createClipboardHandlers(library: Library, paster: Paster | undefined): ClipboardHandlers {
  const picker = createPickerService(library, paster ?? null);
  return {
    clipboardItems: ({ limit }) => picker.items(limit),
    pasteClipboardItem: ({ id, asPlainText }) => picker.paste(library.resolveId(id), asPlainText),
    pinClipboardItem: ({ id, pinned }) => picker.pin(id, pinned),
  };
}
