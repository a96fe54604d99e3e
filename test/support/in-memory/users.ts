/**
 * People working in Propstreet and in the CRM of an InMemoryWorld between engine runs: they
 * create, edit and delete records the way the real systems record it (a new etag and updated
 * stamp in Propstreet, a new modified stamp in the CRM), so the engine's next delta sees it.
 */
import { FIELDS, type Field, type InMemoryWorld } from './world.js';

export type UserValues = Readonly<Record<Field, string | null>>;

export class InMemoryUsers {
  constructor(
    private readonly w: InMemoryWorld,
    /** The CRM property of each world field (as given to `inMemoryCrm`). */
    private readonly names: Readonly<Record<Field, string>>,
  ) {}

  /** Slot i holds no record on either side and never did: a user may create one there. */
  isFree(i: number): boolean {
    return !this.w.psExists.get(i) && !this.w.crmExists.get(i);
  }

  psLive(i: number): boolean {
    return this.w.psExists.get(i) === 1 && this.w.psDeleted.get(i) === 0;
  }

  crmLive(i: number): boolean {
    return this.w.crmExists.get(i) === 1 && this.w.crmDeleted.get(i) === 0;
  }

  createInPropstreet(i: number, values: UserValues): void {
    if (!this.isFree(i)) throw new Error(`slot ${i} is taken`);
    const w = this.w;
    w.psExists.set(i, 1);
    w.psDeleted.set(i, 0);
    w.refWritten.set(i, 0);
    w.version[i] = 1;
    for (const f of FIELDS) w.writePs(i, f, values[f]);
    w.psStamp.set(i, w.tick());
  }

  createInCrm(i: number, values: UserValues): void {
    if (!this.isFree(i)) throw new Error(`slot ${i} is taken`);
    const w = this.w;
    w.crmExists.set(i, 1);
    w.crmDeleted.set(i, 0);
    w.keyWritten.set(i, 0);
    for (const f of FIELDS) this.writeCrm(i, f, values[f]);
    w.crmStamp.set(i, w.tick());
  }

  editPropstreet(i: number, field: Field, value: string | null): void {
    if (!this.psLive(i)) throw new Error(`no live contact in slot ${i}`);
    const w = this.w;
    w.writePs(i, field, value);
    w.version[i] = (w.version[i] ?? 0) + 1;
    w.psStamp.set(i, w.tick());
  }

  editCrm(i: number, field: Field, value: string | null): void {
    if (!this.crmLive(i)) throw new Error(`no live CRM record in slot ${i}`);
    this.writeCrm(i, field, value);
    this.w.crmStamp.set(i, this.w.tick());
  }

  deleteInPropstreet(i: number): void {
    if (!this.psLive(i)) throw new Error(`no live contact in slot ${i}`);
    const w = this.w;
    w.psDeleted.set(i, 1);
    w.version[i] = (w.version[i] ?? 0) + 1;
    w.psStamp.set(i, w.tick());
  }

  deleteInCrm(i: number): void {
    if (!this.crmLive(i)) throw new Error(`no live CRM record in slot ${i}`);
    this.w.crmDeleted.set(i, 1);
    this.w.crmStamp.set(i, this.w.tick());
  }

  private writeCrm(i: number, field: Field, value: string | null): void {
    this.w.writeCrm(i, this.names[field], value, this.w.computed(i)[field]);
  }
}
