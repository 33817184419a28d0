// The labels zero-shot CLIP tagging chooses from: what turns up in a clip library (screenshots,
// diagrams, charts, documents, photos), each with the prompts CLIP compares an image with and
// rules in the manner of PhotoPrism's: a threshold per label, labels that imply broader tags,
// labels that only soak up probability, and a priority between equals.
//
// Tags are lower case, words joined by hyphens ("bar-chart"), so they read well on the command
// line and never need quoting.

export interface LabelDefinition {
  /** The tag the label becomes. */
  readonly tag: string;
  /**
   * What CLIP compares the image with; a label's embedding is the mean of its prompts'
   * (prompt ensembling). None: a category, reached only through other labels' `implies`.
   */
  readonly prompts: readonly string[];
  /**
   * The least probability at which the tag is suggested. For a label, its share of the softmax
   * over every label; for a tag that others imply, its own share plus theirs.
   */
  readonly threshold: number;
  /**
   * Ranking weight: each step up or down weighs the tag's score a quarter more or less when
   * ordering and keeping the top few (the score itself is unchanged). Broad tags sit below 0 so
   * the specific tag shows first. Default 0.
   */
  readonly priority?: number;
  /** Broader tags this one implies (a bar chart is a chart): each gets this label's probability too. */
  readonly implies?: readonly string[];
  /**
   * Never suggested. The label still takes part in the softmax, so an image that matches nothing
   * useful (a blank frame, noise) gives its probability to these rather than to real labels.
   */
  readonly exclude?: boolean;
}

/** Threshold of an ordinary label: CLIP's softmax over ~120 labels spreads thin on unclear images. */
const T = 0.2;
/** Labels CLIP confuses with neighbours, or that would be awkward if wrong, need more. */
const STRICT = 0.35;
/** A category is suggested when it, and the labels under it, together hold this much. */
const CATEGORY = 0.3;

function screenshot(tag: string, prompts: readonly string[], extra: Partial<LabelDefinition> = {}): LabelDefinition {
  return { tag, prompts, threshold: T, ...extra, implies: ['screenshot', ...(extra.implies ?? [])] };
}
function diagram(tag: string, prompts: readonly string[], extra: Partial<LabelDefinition> = {}): LabelDefinition {
  return { tag, prompts, threshold: T, ...extra, implies: ['diagram', ...(extra.implies ?? [])] };
}
function chart(tag: string, prompts: readonly string[]): LabelDefinition {
  return { tag, prompts, threshold: T, implies: ['chart'] };
}
function doc(tag: string, prompts: readonly string[], extra: Partial<LabelDefinition> = {}): LabelDefinition {
  return { tag, prompts, threshold: T, ...extra, implies: ['document', ...(extra.implies ?? [])] };
}
function photo(tag: string, prompts: readonly string[], extra: Partial<LabelDefinition> = {}): LabelDefinition {
  return { tag, prompts, threshold: T, ...extra, implies: [...(extra.implies ?? []), 'photo'] };
}
function category(tag: string, prompts: readonly string[] = [], extra: Partial<LabelDefinition> = {}): LabelDefinition {
  return { tag, prompts, threshold: CATEGORY, priority: -1, ...extra };
}
function absorber(tag: string, prompts: readonly string[]): LabelDefinition {
  return { tag, prompts, threshold: 1, exclude: true };
}

export const VOCABULARY: readonly LabelDefinition[] = [
  // Broad kinds. They are labels of their own too (an image can be "a screenshot" of nothing
  // more specific), and categories for the specific labels below.
  category('screenshot', ['a screenshot', 'a screenshot of a computer screen']),
  category('diagram', ['a diagram', 'a technical diagram']),
  category('chart', ['a chart', 'a graph of data']),
  category('document', ['a document', 'a scanned page of a document']),
  category('photo', ['a photo', 'a photograph taken with a camera'], { priority: -2 }),
  category('code', [], { priority: 0 }),
  category('animal', ['a photo of an animal'], { implies: ['photo'] }),
  category('food', ['a photo of food', 'a plate of food'], { implies: ['photo'] }),
  category('nature', ['a photo of nature'], { implies: ['photo'] }),
  category('vehicle', ['a photo of a vehicle'], { implies: ['photo'] }),
  category('person', ['a photo of a person', 'a portrait of a person'], { implies: ['photo'], threshold: T, priority: 0 }),
  category('hardware', ['a photo of computer hardware', 'electronic devices'], { implies: ['photo'] }),
  category('art', ['a work of art']),

  // Screenshots of software.
  screenshot('terminal', ['a screenshot of a terminal', 'a command line window with text output', 'a shell session in a terminal emulator']),
  screenshot('code-editor', ['a screenshot of source code in a code editor', 'program code with syntax highlighting', 'an IDE window'], { implies: ['code'] }),
  screenshot('website', ['a screenshot of a website', 'a web page in a browser']),
  screenshot('desktop', ['a screenshot of a computer desktop', 'a desktop with windows and icons']),
  screenshot('mobile-app', ['a screenshot of a mobile phone app', 'a smartphone screen']),
  screenshot('chat', ['a screenshot of a chat conversation', 'messages in a messaging app', 'chat bubbles']),
  screenshot('email', ['a screenshot of an email', 'an email inbox']),
  screenshot('dialog', ['a screenshot of a dialog box with buttons', 'a settings window']),
  screenshot('error-message', ['a screenshot of an error message', 'a warning dialog'], { threshold: 0.3 }),
  screenshot('social-media', ['a screenshot of a social media post', 'a post with likes and comments']),
  screenshot('video-call', ['a screenshot of a video call', 'a grid of people in an online meeting']),
  screenshot('spreadsheet', ['a screenshot of a spreadsheet', 'a table of numbers in a spreadsheet']),
  screenshot('video-game', ['a screenshot of a video game', 'a video game scene']),
  screenshot('login-form', ['a login form', 'a sign-in page with username and password fields'], { threshold: 0.3 }),
  screenshot('search-results', ['a page of search results']),
  screenshot('calendar', ['a screenshot of a calendar', 'a calendar with appointments']),
  screenshot('file-manager', ['a screenshot of a file manager', 'a list of files and folders']),
  screenshot('dashboard', ['an analytics dashboard with charts', 'a monitoring dashboard']),
  screenshot('online-shop', ['a product page of an online shop', 'a shopping cart on a website']),
  screenshot('video-player', ['a screenshot of a video player', 'a paused video with playback controls']),
  screenshot('music-player', ['a screenshot of a music player app', 'a playlist of songs']),
  screenshot('text-editor', ['a screenshot of plain text in a text editor', 'notes in a note-taking app']),
  screenshot('dark-mode', ['a user interface in dark mode', 'light text on a dark background'], { threshold: 0.3, priority: -1 }),
  { tag: 'presentation-slide', prompts: ['a presentation slide', 'a slide from a slideshow'], threshold: T },
  { tag: 'source-code', prompts: ['source code', 'lines of programming code'], threshold: T, implies: ['code'] },

  // Diagrams.
  diagram('flowchart', ['a flowchart', 'a flow diagram with boxes and arrows']),
  diagram('architecture-diagram', ['a software architecture diagram', 'a system diagram with components and connections']),
  diagram('uml-diagram', ['a UML class diagram', 'a sequence diagram']),
  diagram('mind-map', ['a mind map']),
  diagram('network-diagram', ['a computer network diagram']),
  diagram('org-chart', ['an organisation chart', 'an organizational chart of a company']),
  diagram('wireframe', ['a wireframe mockup of a user interface', 'a UI design sketch']),
  diagram('floor-plan', ['a floor plan', 'an architectural floor plan']),
  diagram('circuit-diagram', ['an electronic circuit diagram', 'a schematic of a circuit']),
  diagram('timeline', ['a timeline diagram']),
  diagram('venn-diagram', ['a Venn diagram']),
  diagram('sketch', ['a hand-drawn sketch', 'a pencil drawing']),
  { tag: 'whiteboard', prompts: ['a photo of a whiteboard with writing', 'a whiteboard with notes'], threshold: T, implies: ['photo'] },

  // Charts.
  chart('bar-chart', ['a bar chart', 'a bar graph']),
  chart('line-chart', ['a line chart', 'a line graph over time']),
  chart('pie-chart', ['a pie chart']),
  chart('scatter-plot', ['a scatter plot']),
  chart('histogram', ['a histogram']),
  chart('area-chart', ['an area chart']),
  chart('gantt-chart', ['a Gantt chart', 'a project schedule chart']),
  chart('stock-chart', ['a stock price chart', 'a candlestick chart']),
  chart('heatmap', ['a heatmap']),
  { tag: 'table', prompts: ['a table with rows and columns', 'a data table'], threshold: T },

  // Documents and paper.
  doc('receipt', ['a receipt', 'a shopping receipt with prices', 'a till receipt']),
  doc('invoice', ['an invoice', 'a bill with amounts due']),
  doc('letter', ['a letter', 'a printed letter']),
  doc('form', ['a form to fill in', 'a paper form']),
  doc('id-document', ['an identity card', 'a passport', "a driver's licence"], { threshold: 0.4 }),
  doc('ticket', ['a ticket', 'a boarding pass', 'a train ticket']),
  doc('business-card', ['a business card']),
  doc('book-page', ['a page of a book', 'an open book']),
  doc('handwriting', ['handwritten notes', 'handwriting on paper']),
  doc('certificate', ['a certificate', 'a diploma']),
  doc('menu', ['a restaurant menu']),
  doc('newspaper', ['a newspaper article', 'a magazine page']),
  doc('scientific-paper', ['a page from a scientific paper', 'an academic paper with figures']),
  doc('contract', ['a contract with signatures', 'a legal document'], { threshold: 0.3 }),
  { tag: 'math', prompts: ['mathematical equations', 'a page of maths formulas'], threshold: T },
  { tag: 'sheet-music', prompts: ['sheet music', 'musical notation'], threshold: T },
  { tag: 'poster', prompts: ['a poster', 'a flyer'], threshold: T },
  { tag: 'qr-code', prompts: ['a QR code'], threshold: 0.3 },
  { tag: 'barcode', prompts: ['a barcode'], threshold: 0.3 },
  { tag: 'map', prompts: ['a map', 'a street map', 'a map in a navigation app'], threshold: T },

  // Photos of people, animals, food, places and things.
  photo('people', ['a group of people', 'a crowd of people'], { implies: ['person'] }),
  photo('selfie', ['a selfie'], { implies: ['person'], threshold: STRICT }),
  photo('baby', ['a photo of a baby'], { implies: ['person'], threshold: 0.3 }),
  photo('dog', ['a photo of a dog'], { implies: ['animal'] }),
  photo('cat', ['a photo of a cat'], { implies: ['animal'] }),
  photo('bird', ['a photo of a bird'], { implies: ['animal'] }),
  photo('horse', ['a photo of a horse'], { implies: ['animal'] }),
  photo('fish', ['a photo of a fish', 'an aquarium'], { implies: ['animal'] }),
  photo('insect', ['a photo of an insect', 'a butterfly'], { implies: ['animal'] }),
  photo('drink', ['a drink', 'a cup of coffee', 'a glass of wine'], { implies: ['food'] }),
  photo('dessert', ['a cake', 'a dessert', 'ice cream'], { implies: ['food'] }),
  photo('fruit', ['fruit', 'vegetables'], { implies: ['food'] }),
  photo('meal', ['a meal on a table', 'a dish in a restaurant'], { implies: ['food'] }),
  photo('landscape', ['a landscape', 'mountains'], { implies: ['nature'] }),
  photo('beach', ['a beach', 'the sea'], { implies: ['nature'] }),
  photo('forest', ['a forest', 'trees'], { implies: ['nature'] }),
  photo('sunset', ['a sunset', 'a sunrise'], { implies: ['nature'] }),
  photo('snow', ['snow', 'a winter scene'], { implies: ['nature'] }),
  photo('flowers', ['flowers', 'a plant'], { implies: ['nature'] }),
  photo('sky', ['the sky with clouds'], { implies: ['nature'], priority: -1 }),
  photo('city', ['a city street', 'a city skyline']),
  photo('building', ['a building', 'architecture']),
  photo('interior', ['a room interior', 'a living room']),
  photo('office', ['an office with desks', 'a workplace']),
  photo('car', ['a photo of a car'], { implies: ['vehicle'] }),
  photo('bicycle', ['a bicycle'], { implies: ['vehicle'] }),
  photo('train', ['a train', 'a railway station'], { implies: ['vehicle'] }),
  photo('airplane', ['an airplane', 'an airport'], { implies: ['vehicle'] }),
  photo('boat', ['a boat', 'a ship'], { implies: ['vehicle'] }),
  photo('sports', ['people playing sports', 'a sports match']),
  photo('concert', ['a concert', 'a stage with lights']),
  photo('event', ['a conference talk', 'people at a party']),
  photo('product-photo', ['a product photo on a plain background']),
  photo('laptop', ['a laptop computer'], { implies: ['hardware'] }),
  photo('smartphone', ['a photo of a smartphone'], { implies: ['hardware'] }),
  photo('circuit-board', ['a circuit board', 'electronic components'], { implies: ['hardware'] }),
  photo('keyboard', ['a computer keyboard'], { implies: ['hardware'] }),
  photo('screen-photo', ['a photo of a computer monitor taken with a phone', 'a photo of a screen']),

  // Pictures that are made, not taken.
  { tag: 'painting', prompts: ['a painting', 'an oil painting'], threshold: T, implies: ['art'] },
  { tag: 'illustration', prompts: ['a cartoon illustration', 'a digital illustration', 'clip art'], threshold: T, implies: ['art'] },
  { tag: 'comic', prompts: ['a comic strip'], threshold: 0.3, implies: ['art'] },
  { tag: 'meme', prompts: ['a meme with text on an image', 'an internet meme'], threshold: STRICT },
  { tag: 'logo', prompts: ['a logo', 'an app icon'], threshold: 0.3 },
  { tag: 'infographic', prompts: ['an infographic'], threshold: T },
  { tag: '3d-render', prompts: ['a 3D rendering', 'a computer-generated 3D scene'], threshold: 0.3 },

  // Soak up probability from images that match nothing above.
  absorber('blank', ['a blank image', 'a solid colour', 'an empty white page']),
  absorber('abstract', ['an abstract pattern', 'a texture', 'noise']),
  absorber('blurry', ['a blurry photo', 'an out of focus image']),
];
