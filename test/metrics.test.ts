// The business counters' known label values are the domain's own: a callback type the schema adds is a series the
// worker starts at 0 too.
import { appCallbackSchema } from '../src/domain/callbacks';
import { COUNTERS, labelSets } from '../src/metrics';

test('the callback types the failures counter starts are the callbacks this service sends', () => {
  // An enum's options, or a literal's one value.
  const types = appCallbackSchema.options.flatMap(({ shape: { type } }) =>
    'options' in type ? type.options : [...type.values],
  );
  expect([...COUNTERS.callbackFailures.labels.callback_type].sort()).toEqual([...types].sort());
});

test('label sets: every combination of every label value', () => {
  expect(labelSets({ kind: ['a', 'b'], outcome: ['sent', 'refused'] })).toEqual([
    { kind: 'a', outcome: 'sent' },
    { kind: 'a', outcome: 'refused' },
    { kind: 'b', outcome: 'sent' },
    { kind: 'b', outcome: 'refused' },
  ]);
  expect(labelSets({})).toEqual([{}]);
});
