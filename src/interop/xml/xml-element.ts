/**
 * The small DOM that `parseXml` (safe-xml.ts) returns: local names without prefixes, the namespace URI of each
 * element resolved from its prefix, attributes by local name, text with entities and character references
 * already decoded, children in document order.
 */
export interface XmlElement {
  /** Local name, e.g. `stammdatenschema` for `<xdf:stammdatenschema>`. */
  name: string;
  /** Namespace URI of the element, or '' when it has none (as the unqualified `<code>` of XÖV codes). */
  namespace: string;
  /** Attributes by local name (xmlns declarations left out), values decoded. */
  attributes: Record<string, string>;
  /** Child elements in document order. */
  children: XmlElement[];
  /** The element's own text (all text nodes joined, decoded, not trimmed); '' when none. */
  text: string;
}

/** The first child with this local name. */
export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined =>
  element?.children.find((c) => c.name === name);

/** All children with this local name. */
export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] =>
  element ? element.children.filter((c) => c.name === name) : [];

/** Trimmed text of the first child with this name, or undefined when there is no such child. */
export const childText = (element: XmlElement | undefined, name: string): string | undefined => {
  const found = child(element, name);
  return found === undefined ? undefined : found.text.trim();
};

/** The `code` of an XÖV code element (`<xdf:feldart listURI=…><code>input</code></xdf:feldart>`), trimmed. */
export const codeOf = (element: XmlElement | undefined): string | undefined => childText(element, 'code');
