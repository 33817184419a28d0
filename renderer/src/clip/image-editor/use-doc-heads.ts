import type { DocHandle } from '@automerge/automerge-repo/slim';
import { onScopeDispose, ref, watch, type Ref } from 'vue';

/** A document's heads as one string ("a.b"), kept current: names the exact state a rendering must show. */
export function useDocHeads(handle: Ref<DocHandle<unknown> | null>): Ref<string> {
  const heads = ref('');
  const update = (): void => {
    heads.value = handle.value?.isReady() ? handle.value.heads().join('.') : '';
  };
  watch(
    handle,
    (current, previous) => {
      previous?.off('change', update);
      current?.on('change', update);
      update();
    },
    { immediate: true },
  );
  onScopeDispose(() => handle.value?.off('change', update));
  return heads;
}
