/**
 * A JSON array of rows, streamed.
 *
 * Why a hand-written scanner rather than stream-json: stream-json gives neither the line on which an
 * element starts nor a way to skip a malformed element and carry on. The scanner below only splits the
 * top-level array into element texts (tracking strings, escapes, bracket nesting and newlines) and
 * JSON.parse decodes each one, so memory holds one element at a time and a syntax error inside an
 * element rejects just that element. When the array itself is broken (no '[', never closed, content
 * after ']', an element that never ends) it throws CatalogSyntaxError with the line.
 */
import { createReadStream } from 'node:fs';
import { MAX_ROW_CHARS } from './json-text.js';
import { parseJsonRow } from './ndjson.js';
import { CatalogSyntaxError, type RawRow } from './types.js';

/** One top-level element's text and the 1-based line of its first character. */
export interface ScannedElement {
  line: number;
  text: string;
}

type Closer = '}' | ']';
/** before: ahead of '['; between: inside the array, outside any element; element: inside one; after: past ']'. */
type ScanState = 'before' | 'between' | 'element' | 'after';

/** A syntax fault of the array as a whole; the caller attaches the file path. */
export class ArraySyntaxFault extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ArraySyntaxFault';
  }
}

export class JsonArrayScanner {
  private state: ScanState = 'before';
  private line = 1;
  private readonly stack: Closer[] = [];
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private partsLength = 0;
  private elementLine = 0;

  /** Set once the array is found broken; nothing after it is scanned. */
  fault: ArraySyntaxFault | null = null;

  /**
   * Feeds the next chunk; returns the elements completed within it. A fault is recorded in `fault`
   * rather than thrown, so the elements completed before it in the same chunk are not lost.
   */
  push(chunk: string): ScannedElement[] {
    const done: ScannedElement[] = [];
    if (this.fault !== null) return done;
    try {
      this.scan(chunk, done);
    } catch (error) {
      if (!(error instanceof ArraySyntaxFault)) throw error;
      this.fault = error;
    }
    return done;
  }

  private scan(chunk: string, done: ScannedElement[]): void {
    let segmentStart = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk.charAt(i);
      if (this.state === 'element') {
        if (this.elementEndsAt(c)) {
          done.push(this.finishElement(chunk.slice(segmentStart, i)));
          this.state = c === ']' ? 'after' : 'between';
        }
      } else if (this.outsideElement(c)) {
        // `c` starts an element: it belongs to the element text.
        this.state = 'element';
        this.elementLine = this.line;
        segmentStart = i;
        this.elementEndsAt(c);
      } else if (c === ',' && this.state === 'between') {
        done.push({ line: this.line, text: '' });
      }
      if (c === '\n') this.line += 1;
    }
    if (this.state === 'element') this.keepPart(chunk.slice(segmentStart));
  }

  /** Call at end of input: an array that was never closed cannot be trusted past its last element. */
  end(): void {
    if (this.fault !== null) return;
    switch (this.state) {
      case 'before':
      case 'after':
        return;
      case 'between':
        this.fault = new ArraySyntaxFault(this.line, 'the file ends before the JSON array is closed with "]"');
        return;
      case 'element':
        this.fault = new ArraySyntaxFault(
          this.elementLine,
          `the file ends inside the array element starting on line ${this.elementLine} (an unclosed bracket or string?)`,
        );
        return;
      default: {
        const unreachable: never = this.state;
        throw new Error(`unknown scan state ${String(unreachable)}`);
      }
    }
  }

  /**
   * Handles a character outside any element; true when it starts one. A ',' with no element before it
   * is reported by the caller as an empty element; a trailing comma before ']' is tolerated.
   */
  private outsideElement(c: string): boolean {
    if (isBlank(c) || (this.state === 'before' && c === '\uFEFF')) return false;
    switch (this.state) {
      case 'before':
        if (c !== '[') throw new ArraySyntaxFault(this.line, `expected "[" to start a JSON array, found ${JSON.stringify(c)}`);
        this.state = 'between';
        return false;
      case 'between':
        if (c === ']') {
          this.state = 'after';
          return false;
        }
        return c !== ',';
      case 'after':
        throw new ArraySyntaxFault(this.line, `unexpected ${JSON.stringify(c)} after the end of the JSON array`);
      case 'element':
        return true;
      default: {
        const unreachable: never = this.state;
        throw new Error(`unknown scan state ${String(unreachable)}`);
      }
    }
  }

  /** Tracks strings and nesting inside an element; true when `c` is the ',' or ']' that ends it. */
  private elementEndsAt(c: string): boolean {
    if (this.inString) {
      // A raw line break is never valid inside a JSON string: end the string there, so that an unclosed
      // quote spoils only its own element (JSON.parse rejects it) instead of the rest of the file.
      if (c === '\n') this.inString = this.escaped = false;
      else if (this.escaped) this.escaped = false;
      else if (c === '\\') this.escaped = true;
      else if (c === '"') this.inString = false;
      return false;
    }
    switch (c) {
      case '"':
        this.inString = true;
        return false;
      case '{':
        this.stack.push('}');
        return false;
      case '[':
        this.stack.push(']');
        return false;
      case '}':
      case ']':
        if (this.stack.length === 0) return c === ']';
        this.close(c);
        return false;
      case ',':
        return this.stack.length === 0;
      default:
        return false;
    }
  }

  /** Pops to the matching opener; a mismatch (`{"a": [1}`) still resyncs and JSON.parse rejects the element. */
  private close(c: Closer): void {
    const at = this.stack.lastIndexOf(c);
    if (at >= 0) this.stack.length = at;
  }

  private keepPart(part: string): void {
    this.parts.push(part);
    this.partsLength += part.length;
    // A runaway element (an unclosed bracket) would otherwise swallow the rest of the file.
    if (this.partsLength > MAX_ROW_CHARS) {
      throw new ArraySyntaxFault(
        this.elementLine,
        `the array element starting on line ${this.elementLine} is longer than ${MAX_ROW_CHARS} characters (an unclosed bracket?)`,
      );
    }
  }

  private finishElement(tail: string): ScannedElement {
    this.keepPart(tail);
    const element = { line: this.elementLine, text: this.parts.join('') };
    this.parts = [];
    this.partsLength = 0;
    this.stack.length = 0;
    this.inString = this.escaped = false;
    return element;
  }
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/** Yields one raw row per top-level array element; throws CatalogSyntaxError once the array is broken. */
export async function* readJsonArray(path: string): AsyncGenerator<RawRow> {
  const scanner = new JsonArrayScanner();
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    for (const element of scanner.push(String(chunk))) yield toRawRow(element);
    if (scanner.fault !== null) break;
  }
  scanner.end();
  if (scanner.fault !== null) throw new CatalogSyntaxError(path, scanner.fault.line, scanner.fault.reason);
}

function toRawRow(element: ScannedElement): RawRow {
  const text = element.text.trim();
  if (text === '') return { kind: 'broken', line: element.line, reason: 'empty array element (a stray comma)' };
  return parseJsonRow(text, element.line);
}
