/**
 * Issue #16's targets as numbers, in one place: the summary checks each of its rows against
 * them and the per-scenario target table (scenario-result.ts) uses the same figures.
 */
export const TARGETS = {
  /** (1) 100k into an empty HubSpot: CRM complete against the HubSpot rate-limit bound. */
  crmCompleteToHubSpotBound: 1.15,
  /** (1) …and every ref written back against the Propstreet bound. */
  refsToPropstreetBound: 1.05,
  /** (2) CRM-only contacts into Propstreet: at most this many Propstreet writes per `records`. */
  reverseWrites: { writes: 25, records: 2_000 },
  /** (3) A run with nothing to do, right after a big sync, at the tenant default overlap. */
  quietCallsPerConnection: 3,
  quietOverlapSeconds: 300,
  /** (3) Incremental CRM reads against their optimum. */
  incrementalReadsToOptimum: 1.05,
  /** (5) Engine alone, records per CPU-second. */
  engineDryPerCpuS: 50_000,
  engineRealPerCpuS: 30_000,
  /** (5) Max RSS at `rssAtN` records, and flat in N: growth from the smallest N run at most this share. */
  rssMb: 200,
  rssAtN: 1_000_000,
  rssFlatGrowth: 0.1,
} as const;

/** Below this the wall time is round trips and start-up, not rate limits: a ratio to it says nothing. */
export const MIN_BOUND_S = 5;
