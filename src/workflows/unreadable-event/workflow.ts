// A signed Zoom event the gateway could not read waits here, open and visible in the Web UI and `npm run ops --
// unreadable`, until an operator hands it on or sets it aside. No timer: it is kept for as long as nobody looked.
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  settleUnreadableEventUpdate,
  type SettleUnreadableEvent,
  unreadableEventQuery,
  type UnreadableEventSettlement,
  type UnreadableZoomEvent,
} from './messages';

export async function unreadableZoomEventWorkflow(event: UnreadableZoomEvent): Promise<UnreadableEventSettlement> {
  const kept: { settled: UnreadableEventSettlement | null } = { settled: null };
  setHandler(unreadableEventQuery, () => ({ ...event, settled: kept.settled }));
  setHandler(
    settleUnreadableEventUpdate,
    ({ outcome, note }) => (kept.settled = { outcome, note, settled_at: new Date().toISOString() }),
    {
      validator: ({ outcome, note }: SettleUnreadableEvent) => {
        if (kept.settled) throw new Error(`already ${kept.settled.outcome}: ${kept.settled.note}`);
        if (outcome !== 'ingested' && outcome !== 'dismissed') throw new Error('outcome must be ingested or dismissed');
        if (!note.trim()) throw new Error('a note must say why');
      },
      description: 'Settles the kept event: ingested (handed to its registrant) or dismissed, with a note saying why.',
    },
  );
  await condition(() => kept.settled !== null);
  await condition(allHandlersFinished);
  return kept.settled as UnreadableEventSettlement;
}
