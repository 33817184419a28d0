// Draws an edit scene (contract/edits/edit-scene.ts) as inline SVG with Vue: the same tree the
// core serialises for exports. The default slot is drawn on top, inside the same <svg>, for the
// editor's selection and handles.
import { defineComponent, h, type PropType, type VNode } from 'vue';
import type { EditScene, SceneElement } from '../../../../contract/edits/edit-scene.js';

export default defineComponent({
  name: 'SceneView',
  props: {
    scene: { type: Object as PropType<EditScene>, required: true },
  },
  emits: { 'original-error': (_event: Event) => true },
  setup(props, { emit, slots }) {
    const render = (element: SceneElement, key: string | number): VNode => {
      const attributes: Record<string, unknown> = { key: element.annotationId ?? key };
      for (const [name, value] of Object.entries(element.attrs)) {
        if (name === 'xmlns') continue; // the HTML parser's job, not an attribute to set
        attributes[name] = name === 'style' ? styleObject(String(value)) : value;
      }
      if (element.part === 'original') {
        attributes['data-testid'] = 'clip-image';
        attributes.onError = (event: Event) => emit('original-error', event);
      }
      const children = (element.children ?? []).map((child, index) => render(child, index));
      return h(element.tag, attributes, element.text !== undefined ? element.text : children);
    };
    return () => {
      const root = render(props.scene.root, 'root');
      const overlay = slots.default?.() ?? [];
      return h(root.type as string, root.props, [...((root.children as VNode[] | null) ?? []), ...overlay]);
    };
  },
});

/** "a:b;c:d" as an object: Vue sets it through the CSSOM, which the page's CSP allows (a style attribute it would not). */
function styleObject(style: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const declaration of style.split(';')) {
    const [name, value] = declaration.split(':').map((part) => part.trim());
    if (name && value) result[name] = value;
  }
  return result;
}
