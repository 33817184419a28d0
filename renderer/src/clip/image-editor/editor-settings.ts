import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { defaultColor, sizeSetting, type DrawingTool, type ToolId } from './editor-tools.js';

/**
 * The tool in hand and each tool's colour and size: kept for the window's lifetime, so the next
 * clip opens with the tool the last one was left with (as Flameshot does).
 */
export const useImageEditorStore = defineStore('image-editor', () => {
  const tool = ref<ToolId>('select');
  const colors = reactive<Partial<Record<DrawingTool, string>>>({});
  /** Sizes before scaling to the image (see sizeScale). */
  const sizes = reactive<Partial<Record<DrawingTool, number>>>({});
  const spotlightShape = ref<'rect' | 'ellipse'>('rect');
  /** Whether new text gets a background (legible over a busy picture). */
  const textBackground = ref(false);

  function colorOf(kind: DrawingTool): string {
    return colors[kind] ?? defaultColor(kind);
  }

  function sizeOf(kind: DrawingTool): number {
    return sizes[kind] ?? sizeSetting(kind).initial;
  }

  return { tool, colors, sizes, spotlightShape, textBackground, colorOf, sizeOf };
});
