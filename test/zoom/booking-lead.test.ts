import { BookingLead } from '../../src/zoom/booking-lead';

const after = (...roundTrips: number[]) => {
  const lead = new BookingLead();
  roundTrips.forEach((ms) => lead.record(ms));
  return lead.ms;
};

test.each<[string, number[], number]>([
  ['before any booking came back: half an assumed 50 ms', [], 25],
  ['half the round trip', [12], 6],
  ['the lower median of the last ones', [10, 14, 12, 20], 6],
  ['one slow answer moves it by one place, not by its size', [12, 12, 12, 12, 400], 6],
  [
    'a worker that stays slow moves it within eight bookings',
    [12, 12, 12, 12, 12, 12, 12, 80, 80, 80, 80, 80, 80, 80, 80],
    40,
  ],
  ['fifteen round trips remembered: the older ones are forgotten', [...Array(15).fill(300), ...Array(15).fill(10)], 5],
])('%s', (_what, roundTrips, leadMs) => {
  expect(after(...roundTrips)).toBe(leadMs);
});
