/** One `<!-- { ... } -->` annotation of a Graph doc page, as written (unknown keys kept). */
export interface BlockAnnotation {
  blockType?: string;
  name?: string;
  truncated?: boolean;
  isCollection?: boolean;
  collectionProperty?: string;
  isEmpty?: boolean;
  expectError?: boolean;
  '@odata.type'?: string;
  [key: string]: unknown;
}

/** A fenced block that follows an annotation. */
export interface AnnotatedBlock {
  annotation: BlockAnnotation;
  /** 1-based line of the annotation comment. */
  line: number;
  /** 1-based line of the block's first content line. */
  contentLine: number;
  info: string;
  content: string;
}

/** Headers as the doc writes them: names keep their spelling, duplicates keep their order. */
export type DocHeaders = Array<[name: string, value: string]>;

/** The HTTP request of an example. */
export interface DocRequest {
  method: string;
  url: string;
  headers: DocHeaders;
  bodyText: string;
  body: unknown;
}

/** The HTTP response of an example. */
export interface DocResponse {
  status: number;
  headers: DocHeaders;
  bodyText: string;
  body: unknown;
  /** Set when the doc's body is not JSON: the example still replays, its body cannot be compared. */
  bodyProblem?: string;
}

/** Something about the page itself that is wrong or odd (not a server failure). */
export interface DocFinding {
  line: number;
  rule: string;
  message: string;
}

/** A request/response pair of the page. */
export interface DocExample {
  name: string;
  request: DocRequest;
  requestAnnotation: BlockAnnotation;
  response: DocResponse | undefined;
  responseAnnotation: BlockAnnotation | undefined;
  /** False when the doc's own blocks cannot be replayed; `problems` says why. */
  replayable: boolean;
  problems: string[];
  line: number;
  /** 1-based line of the request's first line (its request line). */
  requestLine: number;
  /** 1-based line of the response's first line, when there is one. */
  responseLine: number | undefined;
}

/** A request line of the page's "HTTP request" section (an `ignored` http block), e.g. `POST /Security/ipSecurityProfiles/$ref`. */
export interface HttpRequestLine {
  method: string;
  url: string;
  line: number;
}

/** A Markdown heading (`#` to `######`, up to three spaces of indent) outside fenced blocks. */
export interface DocHeading {
  level: number;
  /** The text with inline markup removed. */
  text: string;
  /** The link anchor Graph's docs use for it (GitHub's rule): `Indicator observables - email` → `indicator-observables---email`. */
  anchor: string;
  line: number;
}

/** One row of a Markdown table: its cells as written (trimmed, `\|` unescaped) and its 1-based line. */
export interface DocTableRow {
  cells: string[];
  line: number;
}

/** A Markdown table outside fenced blocks, with the heading it stands under and the prose between the two. */
export interface DocTable {
  header: string[];
  rows: DocTableRow[];
  /** 1-based line of the header row. */
  line: number;
  heading: DocHeading | undefined;
  intro: string;
}

/** A fenced block, annotated or not. */
export interface DocFence {
  info: string;
  /** 1-based line of the opening fence. */
  line: number;
  contentLine: number;
  content: string;
}

/** A Markdown link `[text](target)`. */
export interface DocLink {
  text: string;
  target: string;
}

/** A parsed documentation page. */
export interface DocPage {
  file: string;
  title: string;
  /** The text with LF line endings. */
  text: string;
  /** The YAML front matter's `key: value` lines (quotes removed), or undefined when the page has none. */
  frontMatter: Record<string, string> | undefined;
  headings: DocHeading[];
  tables: DocTable[];
  fences: DocFence[];
  blocks: AnnotatedBlock[];
  examples: DocExample[];
  /** The request lines the page's "HTTP request" section documents. */
  httpRequestLines: HttpRequestLine[];
  findings: DocFinding[];
}
