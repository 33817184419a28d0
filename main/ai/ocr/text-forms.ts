// The recogniser's dictionary is Chinese-first: it knows both ASCII punctuation and the full-width
// forms (，：（）), and picks the latter now and then in Latin text. A line with no CJK characters
// gets ASCII forms, so "(" is found when searched for; CJK lines keep their punctuation.

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/g;

export function latinForms(line: string): string {
  if (CJK.test(line)) return line;
  return line.replace(FULL_WIDTH, (char) => (char === '\u3000' ? ' ' : String.fromCharCode(char.charCodeAt(0) - 0xfee0)));
}
