/**
 * The fixed ways a mapping file may read or write a Propstreet record of one kind. Mapping
 * files name an accessor; they never carry code. Each kind declares its set (src/kinds/<kind>/
 * accessors.ts) and the loader checks a file against the set of the kind its `object` names.
 * Values here are raw: callers normalise them.
 */
import type { Transform } from './transforms.js';

export type RawValue = string | readonly string[] | null;

export interface AccessorWrite {
  readonly accessor: string;
  /** Already normalised; list accessors get the canonical `;`-list. */
  readonly value: string | null;
}

export interface AccessorSet<R, W> {
  /** Every accessor a mapping of the kind may name, in the order messages list them. */
  readonly names: readonly string[];
  /** Accessors a write to Propstreet cannot change: a field of one is only `to-crm`. */
  readonly readOnly: ReadonlySet<string>;
  /** Accessors that hold a list: a field of one needs the `tags` transform. */
  readonly lists: ReadonlySet<string>;
  /**
   * Accessors that live inside a list Propstreet replaces whole (contacts: `mobilePhone` in
   * `phones`): writing one needs the record as it is now.
   */
  readonly needCurrent: ReadonlySet<string>;
  /**
   * Accessors Propstreet derives from another one when a write sends both (companies: `domain`
   * from `homepageUrl`, the sent domain ignored): both written to Propstreet would race, the
   * derived one never holding what was sent. Keyed by the derived accessor.
   */
  readonly derivedFrom?: ReadonlyMap<string, string>;
  /**
   * The most characters Propstreet takes per accessor, and the accessors it will not clear: a
   * value beyond either is left out of the Propstreet write (noted), not sent to be refused,
   * which failed the whole record on every run.
   */
  readonly propstreetLimits?: {
    readonly maxLength: ReadonlyMap<string, number>;
    readonly required: ReadonlySet<string>;
    /** Accessors whose values must have a form (a country code): the form, and the test. */
    readonly form?: ReadonlyMap<
      string,
      { readonly expected: string; readonly test: (value: string) => boolean }
    >;
  };
  /** The transform a field of this accessor gets when the mapping names none. */
  defaultTransform(accessor: string): Transform;
  read(record: R, accessor: string): RawValue;
  /**
   * A Propstreet write from accessor values. `current` is the record as last read (updates);
   * without it (creates) list-backed values start from an empty list.
   */
  write(writes: readonly AccessorWrite[], current: R | null): W;
}
