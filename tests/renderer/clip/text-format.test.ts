import { describe, expect, test } from 'vitest';
import { detectLanguage } from '../../../renderer/src/clip/text-view/code-highlight.js';
import { guessTextFormat, parseTextFormat } from '../../../renderer/src/clip/text-view/text-format.js';

describe('how a text clip is shown', () => {
  test.each([
    ['const answer = 42;\nfunction ask() { return answer; }\n', 'javascript'],
    ['interface User { name: string }\n', 'typescript'],
    ['def greet():\n    return "hi"\n', 'python'],
    ['fn main() {\n    println!("hi");\n}\n', 'rust'],
    ['package main\n\nfunc main() {}\n', 'go'],
    ['SELECT * FROM users WHERE id = 1;', 'sql'],
    ['$ npm install\n$ npm test\n', 'bash'],
    ['{"a": 1, "b": [1, 2]}', 'json'],
    ['<!doctype html>\n<html><body>hi</body></html>', 'xml'],
    ['.card {\n  color: red;\n}\n', 'css'],
  ])('recognises %j as %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  test.each(['Meeting at ten', 'The quokka smiles at the camera on Rottnest Island.', 'Flour, water, salt and a little patience.', 'line one\n  indented line two'])('leaves prose plain: %j', (text) => {
    expect(guessTextFormat('app', text)).toEqual({ kind: 'plain' });
  });

  test('the file name decides first; Markdown is recognised by its structure', () => {
    expect(guessTextFormat('notes.md', 'anything')).toEqual({ kind: 'markdown' });
    expect(guessTextFormat('script.py', 'print(1)')).toEqual({ kind: 'code', language: 'python' });
    expect(guessTextFormat('todo.txt', '# Today\n\n- buy milk\n- call Ann\n')).toEqual({ kind: 'markdown' });
    expect(guessTextFormat('todo.txt', 'buy milk')).toEqual({ kind: 'plain' });
  });

  test('a stored choice is read back, and one from a newer version or a peer’s garbage is ignored', () => {
    expect(parseTextFormat('code:python')).toEqual({ kind: 'code', language: 'python' });
    expect(parseTextFormat('markdown')).toEqual({ kind: 'markdown' });
    expect(parseTextFormat('code:brainfudge')).toBeNull();
    expect(parseTextFormat('code:<script>')).toBeNull();
    expect(parseTextFormat(null)).toBeNull();
  });
});
