// The image editor's commands: each tool and action, with its shortcut, in the app's command
// registry (group 'Editor'), so the shortcut list, a command palette and remapping all see them.
import type { ImageGeometry } from '../../../../contract/edits/image-geometry.js';
import { useCommands } from '../../composables/use-commands.js';
import type { Command } from '../../stores/commands.js';
import { TOOLS } from './editor-tools.js';
import { pictureCenter, type ImageEditorState } from './use-image-editor.js';

export interface EditorCommandHooks {
  /** Whether the editor takes keys now (no dialog over it, its picture loaded). */
  active(): boolean;
  canvasFocused(): boolean;
  copy(): Promise<void>;
  exportPng(): void;
  toggleZoom(): void;
}

export function useEditorCommands(editor: ImageEditorState, geometry: () => ImageGeometry, hooks: EditorCommandHooks): void {
  const { active } = hooks;
  const selecting = (): boolean => active() && editor.selection.value.length > 0 && !editor.cropping.value;
  const nudge = (dx: number, dy: number) => () => editor.nudge(dx, dy, geometry());
  const grow = (dw: number, dh: number) => () => editor.grow(dw, dh, geometry());

  function cancel(): void {
    if (editor.interaction.value) editor.cancelInteraction();
    else if (editor.cropping.value) editor.cancelCrop();
    else editor.selection.value = [];
  }

  /** Enter on the canvas: edit the selected text, or draw the tool's annotation in the middle. */
  function place(): void {
    const [only] = editor.selected.value;
    if (only?.kind === 'text' && editor.selected.value.length === 1) editor.openText({ x: only.x, y: only.y }, only);
    // On an annotation reached by Tab, Enter is about that annotation, not a new one.
    else if (!(document.activeElement instanceof SVGElement && document.activeElement.dataset.annotationId)) editor.placeDefault(pictureCenter(geometry()));
  }

  const commands: Omit<Command, 'group'>[] = [
    ...TOOLS.map((spec) => ({ id: `editor.tool.${spec.id}`, title: `${spec.label} tool`, keys: [spec.key], when: active, run: () => editor.selectTool(spec.id) })),
    { id: 'editor.delete', title: 'Delete the selected annotations', keys: ['Delete', 'Backspace'], when: selecting, run: editor.deleteSelected },
    {
      id: 'editor.cancel',
      title: 'Cancel the drawing or the crop, or deselect',
      keys: ['Escape'],
      when: () => active() && (editor.interaction.value !== null || editor.cropping.value || editor.selection.value.length > 0),
      run: cancel,
    },
    { id: 'editor.nudge-left', title: 'Move the selection left (Shift: 10 pixels)', keys: ['ArrowLeft'], when: selecting, run: nudge(-1, 0) },
    { id: 'editor.nudge-right', title: 'Move the selection right', keys: ['ArrowRight'], when: selecting, run: nudge(1, 0) },
    { id: 'editor.nudge-up', title: 'Move the selection up', keys: ['ArrowUp'], when: selecting, run: nudge(0, -1) },
    { id: 'editor.nudge-down', title: 'Move the selection down', keys: ['ArrowDown'], when: selecting, run: nudge(0, 1) },
    { id: 'editor.nudge-left-far', title: 'Move the selection 10 pixels left', keys: ['Shift+ArrowLeft'], when: selecting, hidden: true, run: nudge(-10, 0) },
    { id: 'editor.nudge-right-far', title: 'Move the selection 10 pixels right', keys: ['Shift+ArrowRight'], when: selecting, hidden: true, run: nudge(10, 0) },
    { id: 'editor.nudge-up-far', title: 'Move the selection 10 pixels up', keys: ['Shift+ArrowUp'], when: selecting, hidden: true, run: nudge(0, -10) },
    { id: 'editor.nudge-down-far', title: 'Move the selection 10 pixels down', keys: ['Shift+ArrowDown'], when: selecting, hidden: true, run: nudge(0, 10) },
    { id: 'editor.wider', title: 'Make the selection wider (Alt+Left: narrower)', keys: ['Alt+ArrowRight'], when: selecting, run: grow(4, 0) },
    { id: 'editor.narrower', title: 'Make the selection narrower', keys: ['Alt+ArrowLeft'], when: selecting, hidden: true, run: grow(-4, 0) },
    { id: 'editor.taller', title: 'Make the selection taller (Alt+Up: shorter)', keys: ['Alt+ArrowDown'], when: selecting, run: grow(0, 4) },
    { id: 'editor.shorter', title: 'Make the selection shorter', keys: ['Alt+ArrowUp'], when: selecting, hidden: true, run: grow(0, -4) },
    { id: 'editor.forward', title: 'Bring the selection forward', keys: [']'], when: selecting, run: () => editor.restack(1) },
    { id: 'editor.backward', title: 'Send the selection backward', keys: ['['], when: selecting, run: () => editor.restack(-1) },
    { id: 'editor.rotate-right', title: 'Rotate the image clockwise', keys: ['Shift+R'], when: active, run: () => editor.rotate(1) },
    { id: 'editor.rotate-left', title: 'Rotate the image anticlockwise', keys: ['Shift+L'], when: active, run: () => editor.rotate(-1) },
    { id: 'editor.apply-crop', title: 'Apply the crop', keys: ['Enter'], when: () => active() && editor.cropping.value && editor.pendingCrop.value !== null, run: editor.applyCrop },
    { id: 'editor.place', title: 'Place the tool’s annotation in the middle, or edit the selected text', keys: ['Enter'], when: () => active() && hooks.canvasFocused() && !editor.cropping.value, run: place },
    { id: 'editor.copy', title: 'Copy the edited image', keys: ['Mod+C'], when: () => active() && !window.getSelection()?.toString(), run: hooks.copy },
    { id: 'editor.export', title: 'Export the edited image as PNG', keys: ['Mod+S'], when: active, run: hooks.exportPng },
    { id: 'editor.revert', title: 'Revert to the original image (undoable)', keys: [], when: active, run: editor.revert },
    { id: 'editor.zoom', title: 'Show the image at actual size, or fitted', keys: [], when: active, run: hooks.toggleZoom },
  ];
  useCommands(commands.map((command) => ({ ...command, group: 'Editor' })));
}
