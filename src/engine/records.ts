/**
 * What the engine knows of any Propstreet record, whatever its kind: its id and version, the
 * external refs that mirror its links, and when and how it last changed. A kind's own record
 * type (src/kinds) extends it; the engine is generic over it.
 */

export interface ExternalRef {
  readonly namespace: string;
  readonly id: string;
}

export interface PropstreetRecord {
  readonly id: string;
  readonly etag?: string | null | undefined;
  readonly externalRefs: readonly ExternalRef[];
  readonly updatedUtc: string;
  readonly deletedUtc?: string | null | undefined;
  /** Who made the last change, as Propstreet records it (echo detection). */
  readonly changeOrigin?: string | null | undefined;
}

/** The ref of `namespace` on a record, when it has one. */
export function externalRefFor(record: PropstreetRecord, namespace: string): string | undefined {
  return record.externalRefs.find((r) => r.namespace.toLowerCase() === namespace.toLowerCase())?.id;
}

/** The refs with this namespace's set to `crmId` (or removed, with null); other namespaces kept. */
export function refsWith(
  refs: readonly ExternalRef[],
  namespace: string,
  crmId: string | null,
): ExternalRef[] {
  const others = refs.filter((r) => r.namespace.toLowerCase() !== namespace.toLowerCase());
  return crmId === null ? others : [...others, { namespace, id: crmId }];
}

/** Whether the record holds the ref `namespace`/`crmId`. */
export function hasRef(record: PropstreetRecord, namespace: string, crmId: string): boolean {
  return record.externalRefs.some(
    (r) => r.namespace.toLowerCase() === namespace.toLowerCase() && r.id === crmId,
  );
}
