// A job's max_pages shared by a fleet, pure: a ledger in the job's document. Each process reserves
// pages before it works on URLs (`held`), and settles them as they are indexed or found unchanged
// (`consumed`, for good) or returns what it did not use. What is left for anyone is
// max_pages - consumed - every live holder's `held`. A process that died holding pages is
// reclaimed: what it consumed (counted from the frontier documents it wrote, `done_by`) beyond what
// it settled becomes consumed, the rest of its reservation is freed.

export interface BudgetGrant {
  readonly owner: string;
  /** Pages reserved and not yet settled. */
  readonly held: number;
  /** Pages this owner settled as consumed. */
  readonly settled: number;
}

export interface BudgetLedger {
  /** Pages indexed or found unchanged, settled. */
  readonly consumed: number;
  readonly grants: readonly BudgetGrant[];
}

export const EMPTY_LEDGER: BudgetLedger = { consumed: 0, grants: [] };

export function parseLedger(json: string | null | undefined): BudgetLedger {
  if (!json) return EMPTY_LEDGER;
  try {
    const v = JSON.parse(json) as Partial<BudgetLedger>;
    return {
      consumed: typeof v.consumed === 'number' ? v.consumed : 0,
      grants: Array.isArray(v.grants)
        ? v.grants.filter(
            (g): g is BudgetGrant =>
              typeof g?.owner === 'string' && typeof g.held === 'number' && typeof g.settled === 'number',
          )
        : [],
    };
  } catch {
    return EMPTY_LEDGER;
  }
}

/** Pages held by every holder. */
export function heldPages(ledger: BudgetLedger): number {
  return ledger.grants.reduce((a, g) => a + Math.max(0, g.held), 0);
}

/** Pages nobody consumed or holds. */
export function pagesLeft(ledger: BudgetLedger, maxPages: number): number {
  return Math.max(0, maxPages - ledger.consumed - heldPages(ledger));
}

function withGrant(
  ledger: BudgetLedger,
  owner: string,
  change: (g: BudgetGrant) => BudgetGrant,
): BudgetLedger {
  const current = ledger.grants.find((g) => g.owner === owner) ?? { owner, held: 0, settled: 0 };
  const next = change(current);
  return {
    consumed: ledger.consumed,
    grants: [...ledger.grants.filter((g) => g.owner !== owner), next],
  };
}

/** Reserves up to `want` pages for `owner`. */
export function reserve(
  ledger: BudgetLedger,
  owner: string,
  want: number,
  maxPages: number,
): { ledger: BudgetLedger; granted: number } {
  const granted = Math.max(0, Math.min(want, pagesLeft(ledger, maxPages)));
  if (granted === 0) return { ledger, granted };
  return { ledger: withGrant(ledger, owner, (g) => ({ ...g, held: g.held + granted })), granted };
}

/**
 * `consumed` of `owner`'s pages count for good (negative: pages it settled whose outcome was
 * taken back); `returned` reserved pages go back to the job.
 */
export function settle(
  ledger: BudgetLedger,
  owner: string,
  consumed: number,
  returned: number,
): BudgetLedger {
  if (consumed === 0 && returned === 0) return ledger;
  const next = withGrant(ledger, owner, (g) => {
    // A page consumed without a reservation (a canonical resolved by another page) counts as
    // consumed without lowering the holder below zero.
    let held = consumed >= 0 ? g.held - Math.min(consumed, Math.max(0, g.held)) : g.held - consumed;
    held -= Math.min(Math.max(0, returned), Math.max(0, held));
    return { owner, held, settled: g.settled + consumed };
  });
  return { consumed: Math.max(0, ledger.consumed + consumed), grants: next.grants };
}

/**
 * Frees the reservation of a process that died: `consumedByOwner` is what its frontier documents
 * say it consumed; what it had not settled of that is consumed now, the rest is free again.
 */
export function reclaim(ledger: BudgetLedger, owner: string, consumedByOwner: number): BudgetLedger {
  const g = ledger.grants.find((x) => x.owner === owner);
  if (!g) return ledger;
  const unsettled = Math.max(0, consumedByOwner - g.settled);
  return {
    consumed: ledger.consumed + unsettled,
    grants: ledger.grants.filter((x) => x.owner !== owner),
  };
}

/** Holders that still hold pages (candidates for a reclaim when they are dead). */
export function holders(ledger: BudgetLedger): string[] {
  return ledger.grants.filter((g) => g.held > 0).map((g) => g.owner);
}
