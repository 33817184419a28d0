import { Fragment, h, type FunctionalComponent, type VNode } from 'vue';

/** Puts nodes built in code (Markdown, highlighted code) into a template. */
export const RenderedNodes: FunctionalComponent<{ nodes: (VNode | string)[] }> = (props) => h(Fragment, props.nodes);
RenderedNodes.props = ['nodes'];
