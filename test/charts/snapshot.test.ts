/**
 * A diff review aid, not a specification: the explicit tests beside this file say what each field must
 * be. When this snapshot changes, read the diff, then update it with `npx jest test/charts -u`.
 */
import { synthCharts } from './helpers';

test('the default synth, chart by chart', () => {
  expect(synthCharts()).toMatchSnapshot();
});
