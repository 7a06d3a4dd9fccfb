// The shapes of docs/protocol.md, as the client reads them.

/** A node of the server's model, in the compact form the client asks for
 * (docs/protocol.md "The compact model"): a string is a text node. */
export type Model = string | ElementModel;

/** A handler: its id, or [id, flags] when a flag is set. */
export type HandlerModel = string | [string, number];

/** An element's key, attributes and handlers; an error's message. */
export interface Props {
  k?: string;
  a?: Record<string, unknown>;
  h?: Record<string, HandlerModel>;
  e?: string;
}

/** [tag, props or 0, child...]; tag "" is a fragment, or a failed
 * component if props has `e`. Children start at index 2 (CHILDREN). */
export type ElementModel = [string, Props | 0, ...Model[]];
export const CHILDREN = 2;
/** Models from some index on: an op's list (from 0) or an element (from CHILDREN). */
export type ModelList = readonly (Model | Props | 0)[];

/** A handler as the client keeps it: the server's id and the flags of the "h" op. */
export interface Handler {
  id: string;
  flags: number; // 1 preventDefault, 2 stopPropagation
}

/** One patch operation: [code, path, ...arguments] (see the table in docs/protocol.md). */
export type Op = [string, number[], ...any[]];

/** Form fields whose value is live state, kept as properties rather than attributes. */
export type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export const isField = (n: unknown): n is Field =>
  n instanceof HTMLInputElement || n instanceof HTMLTextAreaElement || n instanceof HTMLSelectElement;
