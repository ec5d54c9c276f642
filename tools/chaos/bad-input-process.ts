// The chaos run's bad input, sent from a process of its own (started by `sendBadInput`): generating, signing and
// sending sixteen connections' worth of bodies stalls an event loop for up to 300 ms, and the Zoom emulator, which
// counts the worker's calls on arrival as Zoom does, must not share that loop: it stamped paced calls late and in a
// bunch, and counted more in a second than the worker sent.
import { fuzzWebhookRoute, type BadInputPlan, type FuzzFigures } from './bad-input';

// A chaos run that ends (Ctrl-C, an error) closes the channel: nothing is left sending.
process.once('disconnect', () => process.exit());
process.once('message', (plan: BadInputPlan) => {
  void (async () => {
    for (let part = 0; part < plan.parts; part++) {
      const figures: FuzzFigures = await fuzzWebhookRoute(plan.url, plan.secret, {
        amount: plan.amount / plan.parts,
        connections: plan.connections,
        signed: plan.signed,
        unsigned: plan.unsigned,
        seed: plan.seed + part,
      });
      await new Promise((sent) => process.send?.(figures, sent));
    }
    process.disconnect();
  })();
});
