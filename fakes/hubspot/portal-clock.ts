/**
 * One portal's server time and record ids, shared by every object store of the fake: a fixed
 * clock makes contacts and companies share one timestamp alike, and ids never repeat across
 * objects (HubSpot's do not either, so a test mixing them up fails loudly).
 */
function toMs(v: number | string): number {
  return typeof v === 'number' ? v : Date.parse(v);
}

export class PortalClock {
  private fixedNow: number | undefined;
  private lastNow = 0;
  /**
   * Ids as long as a live portal's: the search guide's samples are 11 digits (57156923994).
   * Short ids would hide what a search body of ids costs against its 3,000-character limit.
   */
  private nextId = 57_156_923_901;

  /** Server time: the fixed clock when set, else wall time that never goes backwards. */
  now(): number {
    if (this.fixedNow !== undefined) return this.fixedNow;
    this.lastNow = Math.max(this.lastNow, Date.now());
    return this.lastNow;
  }

  setClock(at: number | string | null): void {
    this.fixedNow = at === null ? undefined : toMs(at);
  }

  advanceClock(ms: number): void {
    this.fixedNow = (this.fixedNow ?? this.now()) + ms;
  }

  newId(): string {
    return String(this.nextId++);
  }
}

export { toMs };
