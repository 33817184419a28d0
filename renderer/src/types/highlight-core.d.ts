// highlight.js ships types for its whole bundle only; its core entry point is the same API.
declare module 'highlight.js/lib/core' {
  import hljs from 'highlight.js';
  export default hljs;
}
