/**
 * The object kinds' names, as a mapping file's `object` and a connection's `objects` give them.
 * A leaf module, so schemas can list the names without loading the kinds (src/kinds/index.ts
 * holds each name's spec, and the compiler keeps the two lists equal).
 */
export const KIND_NAMES = ['contacts', 'companies'] as const;
export type KindName = (typeof KIND_NAMES)[number];
