// Zoom limits API calls per account, per rate-limit category (zoom-platform.md 6; which call is in which:
// ZOOM_CALL_CATEGORIES in client.ts), and each category is a budget of its own. The client asks the budget for a turn
// before every call; the worker's budget is shared by all workers (see zoom-budget workflow).

export const ZOOM_RATE_CATEGORIES = ['light', 'medium'] as const;
export type ZoomRateCategory = (typeof ZOOM_RATE_CATEGORIES)[number];

/**
 * What the shared budget books: Zoom's categories, and the reconciliation sweep's share of Medium, booked apart so
 * that its listings never take a turn the per-webhook writes need (and never add up to more than Medium).
 */
export const ZOOM_BUDGET_POOLS = [...ZOOM_RATE_CATEGORIES, 'reconcile'] as const;
export type ZoomBudgetPool = (typeof ZOOM_BUDGET_POOLS)[number];

/** Calls per second, all workers together, per pool. */
export type ZoomRateLimits = Record<ZoomBudgetPool, number>;

export interface ZoomBudget {
  /** Resolves when a call of this category may start without going over the budget. */
  take(category: ZoomRateCategory): Promise<void>;
  /**
   * Books at once the turns of the calls the running activity is about to make, one per call, in the order it makes
   * them: its `take`s then use them instead of booking each on its own (one round trip and one action, not several).
   */
  bookAhead(categories: ZoomRateCategory[]): Promise<void>;
}
