/** One XML element: its name, attributes (undefined ones are left out) and child elements. */
export interface XmlElement {
  name: string;
  attributes?: Readonly<Record<string, string | undefined>>;
  children?: readonly XmlElement[];
}

/** Characters XML 1.0 cannot carry at all, even escaped. @see XML 1.0 §2.2 (Char) */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Escapes text for a double-quoted attribute value; whitespace is written as character references so that
 * attribute-value normalisation keeps it. Characters XML cannot carry are dropped. @see XML 1.0 §3.3.3
 */
export function escapeAttribute(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}

function write(element: XmlElement, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(element.attributes ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  const children = element.children ?? [];
  if (children.length === 0) {
    out.push(`${indent}<${element.name}${attributes}/>`);
    return;
  }
  out.push(`${indent}<${element.name}${attributes}>`);
  for (const child of children) write(child, depth + 1, out);
  out.push(`${indent}</${element.name}>`);
}

/** Serialises a document: the UTF-8 declaration, then the root element, two spaces per level. */
export function renderXml(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  write(root, 0, out);
  return out.join('\n') + '\n';
}
