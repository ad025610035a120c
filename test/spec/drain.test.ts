/** The guide's grace-period arithmetic, made explicit. */
import { drainSeconds, minimumGracePeriodSeconds, recommendedGracePeriodSeconds, resolveSpec } from '../../spec';

const guideInputs = { maxOutputTokens: 4096, timePerOutputTokenMs: 100, prefillShare: 0.2, safetyFactor: 1.5 };

describe('drain time', () => {
  test('4096 output tokens at 100 ms take 410 s to decode, plus 20% for prompts', () => {
    expect(drainSeconds(guideInputs)).toBeCloseTo(491.52, 2);
  });

  test('the minimum grace period adds the preStop sleep', () => {
    expect(minimumGracePeriodSeconds(guideInputs, 30)).toBe(522);
  });

  test('the recommended grace period multiplies by the safety factor', () => {
    expect(recommendedGracePeriodSeconds(guideInputs, 30)).toBe(783);
  });

  test("the guide's 130 s matches outputs of about 400 tokens at 100 ms", () => {
    const shortOutputs = { ...guideInputs, maxOutputTokens: 400 };
    // (400 x 0.1 s x 1.2 + 30 s) x 1.5 = 117 s, under the guide's 130 s.
    expect(recommendedGracePeriodSeconds(shortOutputs, 30)).toBe(117);
    expect(() =>
      resolveSpec({ pools: [{ name: 'vllm-llama3-8b-instruct', modelServer: { drain: { maxOutputTokens: 400, timePerOutputTokenMs: 100 } } }] }),
    ).not.toThrow();
  });

  test('an explicit grace period that covers the drain is accepted', () => {
    const spec = resolveSpec({
      pools: [{ name: 'vllm-llama3-8b-instruct', modelServer: { terminationGracePeriodSeconds: 522, drain: { maxOutputTokens: 4096, timePerOutputTokenMs: 100 } } }],
    });
    expect(spec.pools[0].modelServer.terminationGracePeriodSeconds).toBe(522);
  });
});
