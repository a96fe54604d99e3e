/**
 * The org's daily API allowance, as Salesforce reports it in `Sforce-Limit-Info: api-usage=N/M`
 * on every response, and the calls this adapter made by kind. Once the org has used
 * `dailyBudgetShare` of its limit (the rest is left to the org's other integrations and users),
 * or once Salesforce said REQUEST_LIMIT_EXCEEDED, every further call fails fast without a request.
 */
import { PropsyncError } from '../../core/errors.js';
import type { CrmUsage } from '../port.js';

export type CallKind = 'read' | 'search' | 'write' | 'meta';

export class ApiBudget {
  private readonly calls: Record<string, number> = {};
  private apiUsage: { used: number; limit: number } | undefined;
  private stopped: PropsyncError | undefined;

  constructor(private readonly share: number) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`dailyBudgetShare must be in (0, 1], got ${share}`);
  }

  /** Throws when no more calls may be made; otherwise counts one call of `kind`. */
  spend(kind: CallKind): void {
    if (this.stopped) throw this.stopped;
    const u = this.apiUsage;
    if (u && u.limit > 0 && u.used / u.limit >= this.share) {
      this.stopped = new PropsyncError(
        'BUDGET_EXHAUSTED',
        `Salesforce API budget reached: the org has used ${u.used} of its ${u.limit} daily API requests ` +
          `(${Math.round((u.used / u.limit) * 100)}%), and this connector may use up to ${Math.round(this.share * 100)}% ` +
          `(dailyBudgetShare). The run stops here and resumes from its checkpoint once the rolling 24-hour usage drops.`,
      );
      throw this.stopped;
    }
    this.calls[kind] = (this.calls[kind] ?? 0) + 1;
  }

  /** Records the latest usage the org reported. */
  observe(usage: { used: number; limit: number } | undefined): void {
    if (usage && Number.isFinite(usage.used) && Number.isFinite(usage.limit)) this.apiUsage = { ...usage };
  }

  /** After a DAILY_LIMIT answer, nothing more will succeed today: fail fast from now on. */
  stop(error: PropsyncError): void {
    this.stopped ??= error;
  }

  ratio(): number | undefined {
    return this.apiUsage && this.apiUsage.limit > 0 ? this.apiUsage.used / this.apiUsage.limit : undefined;
  }

  usage(): CrmUsage {
    return { calls: { ...this.calls }, ...(this.apiUsage ? { apiUsage: { ...this.apiUsage } } : {}) };
  }
}
