// Greedy CTC decoding as PaddleOCR's CTCLabelDecode: the most likely class at each time step,
// repeats collapsed, blanks dropped. Class 0 is the blank, then the dictionary's characters, then a
// space (use_space_char): without that last class, English words run together.

export interface DecodedText {
  readonly text: string;
  /** Mean probability of the characters kept; 0 when none were. */
  readonly confidence: number;
}

/** The recogniser's classes: blank, each line of the dictionary file, space. */
export function ctcCharacters(dictionary: string): string[] {
  const lines = dictionary.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines, ' '];
}

/**
 * Decodes one image of a [batch, steps, classes] softmax output. `steps` may run past the image's
 * own width (batch padding): those steps are blank in practice and decode to nothing.
 */
export function ctcGreedyDecode(probabilities: Float32Array, index: number, steps: number, characters: readonly string[]): DecodedText {
  const classes = characters.length;
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const offset = (index * steps + t) * classes;
    let best = 0;
    let bestP = probabilities[offset]!;
    for (let k = 1; k < classes; k++) {
      const p = probabilities[offset + k]!;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best]!;
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept === 0 ? 0 : sum / kept };
}
