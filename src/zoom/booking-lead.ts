// How far ahead the shared budget books a call's moment: about as long as the booking's answer takes to reach the
// worker (half its round trip), so that a call is not already late when it hears of its moment. Read off the lower
// median of the last round trips, not a moving average: one slow answer then does not make the next calls wait for
// moments booked further ahead than their own answers need. Too short a lead costs nothing the budget counts: a call
// that hears of its moment late leaves at once, and may leave up to LATE_MS after it (book.ts).

/** Round trips remembered: the lead follows a worker that stays slow within about half as many bookings. */
const REMEMBERED = 15;
/** Until the first booking comes back. */
const FIRST_ROUND_TRIP_MS = 50;

export class BookingLead {
  private readonly roundTrips: number[] = [];

  record(roundTripMs: number): void {
    this.roundTrips.push(roundTripMs);
    if (this.roundTrips.length > REMEMBERED) this.roundTrips.shift();
  }

  get ms(): number {
    const sorted = [...this.roundTrips].sort((a, b) => a - b);
    return (sorted[Math.floor((sorted.length - 1) / 2)] ?? FIRST_ROUND_TRIP_MS) / 2;
  }
}
