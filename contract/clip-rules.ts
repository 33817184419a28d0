// Rules for what a person may type into a clip, shared so the renderer refuses the same input
// the core does (the core checks again: it trusts no caller).

export const MAX_TITLE_CHARS = 500;
export const MAX_NOTES_CHARS = 100_000;
export const MAX_TAG_CHARS = 64;
/** A text clip's text is edited whole in the window (and kept inline in its entry) up to this size. */
export const MAX_EDITABLE_TEXT_CHARS = 256 * 1024;

export type RuleResult = { ok: true; value: string } | { ok: false; reason: string };

export function normalizeTagInput(raw: string): RuleResult {
  const tag = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (tag.length === 0) return { ok: false, reason: 'a tag cannot be empty' };
  if (tag.length > MAX_TAG_CHARS) return { ok: false, reason: `a tag can have at most ${MAX_TAG_CHARS} characters` };
  if (/[\p{Cc},]/u.test(tag)) return { ok: false, reason: `a tag cannot contain commas or control characters: ${JSON.stringify(raw)}` };
  return { ok: true, value: tag };
}

export function normalizeTitleInput(raw: string): RuleResult {
  const title = raw.normalize('NFC').replace(/[\r\n\t]+/g, ' ').trim();
  if (title.length > MAX_TITLE_CHARS) return { ok: false, reason: `a title can have at most ${MAX_TITLE_CHARS} characters` };
  if (/\p{Cc}/u.test(title)) return { ok: false, reason: 'a title cannot contain control characters' };
  return { ok: true, value: title };
}

export function normalizeNotesInput(raw: string): RuleResult {
  if (raw.length > MAX_NOTES_CHARS) return { ok: false, reason: `notes can have at most ${MAX_NOTES_CHARS} characters` };
  return { ok: true, value: raw.normalize('NFC') };
}

export function checkClipTextInput(raw: string): RuleResult {
  if (raw.length > MAX_EDITABLE_TEXT_CHARS) return { ok: false, reason: `a text clip can have at most ${MAX_EDITABLE_TEXT_CHARS.toLocaleString('en')} characters here; export it to edit a longer one elsewhere` };
  // Unlike notes, no normalisation: a snippet of code must stay exactly as typed.
  return { ok: true, value: raw };
}
