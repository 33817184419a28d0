// The Text statistics panel: it shows what the command hands to ui.showPanel. It runs in a
// sandboxed frame and learns the statistics only from the app's message; everything it shows is
// set as text, never as markup.
const DATA_MESSAGE = 'clipshot:panel-data';
const PANEL_ID = 'clipshot.word-count.panel';

const number = new Intl.NumberFormat('en');

function element(document, tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function isStatistics(value) {
  const numbers = ['clips', 'words', 'characters', 'lines', 'averageWords', 'readingMinutes'];
  return typeof value === 'object' && value !== null && numbers.every((name) => Number.isFinite(value[name])) && Array.isArray(value.topWords);
}

/** Replaces the content of `root` with the statistics (or says they could not be read). */
export function renderStatistics(root, statistics) {
  const document = root.ownerDocument;
  root.replaceChildren();
  if (!isStatistics(statistics)) {
    root.append(element(document, 'p', 'These statistics could not be read.', { class: 'note', role: 'alert' }));
    return;
  }
  root.append(element(document, 'h1', `${number.format(statistics.clips)} text ${statistics.clips === 1 ? 'clip' : 'clips'}`));
  const facts = element(document, 'dl');
  const rows = [
    ['Words', number.format(statistics.words)],
    ['Characters', number.format(statistics.characters)],
    ['Lines', number.format(statistics.lines)],
    ['Words per clip', number.format(statistics.averageWords)],
    ['Reading time', `about ${number.format(statistics.readingMinutes)} min`],
  ];
  if (statistics.longest) rows.push(['Longest', `${statistics.longest.title || 'Untitled'} (${number.format(statistics.longest.words)} words)`]);
  for (const [name, value] of rows) facts.append(element(document, 'dt', name), element(document, 'dd', value));
  root.append(facts);
  if (statistics.topWords.length > 0) {
    root.append(element(document, 'h2', 'Most used words'));
    const list = element(document, 'ol');
    for (const { word, count } of statistics.topWords) list.append(element(document, 'li', `${word} (${number.format(count)})`));
    root.append(list);
  }
  if (statistics.complete === false) root.append(element(document, 'p', 'Only the first 20,000 clips were counted.', { class: 'note' }));
}

if (typeof window !== 'undefined') {
  window.addEventListener('message', (event) => {
    // Only the app that holds this frame speaks to it.
    if (event.source !== window.parent || event.data?.type !== DATA_MESSAGE || event.data.panelId !== PANEL_ID) return;
    const root = window.document.getElementById('statistics');
    if (root) renderStatistics(root, event.data.data);
  });
}
