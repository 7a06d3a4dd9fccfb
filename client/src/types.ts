// The shapes of docs/protocol.md, as the client reads them.

/** A node of the server's model: a string is a text node. */
export type Model = string | ElementModel;

export interface HandlerModel {
  target: string;
  preventDefault?: boolean;
  stopPropagation?: boolean;
}

/** An element; tagName "" is a fragment, or a failed component if `error` is set. */
export interface ElementModel {
  tagName: string;
  key?: string;
  attributes?: Record<string, unknown>;
  eventHandlers?: Record<string, HandlerModel>;
  children?: Model[];
  error?: string;
}

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
