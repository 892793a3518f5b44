package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/** Builders for the sampler tests: settings with every stage off by default, and inputs from row arrays. */
final class Fixtures {
    private Fixtures() {
    }

    static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /** Settings builder with the tests' short forms; starts at temperature 1 with every filter off. */
    static final class Settings {
        private final SamplerSettings.Builder builder = SamplerSettings.builder().temperature(1f);

        Settings temperature(float t, float min) {
            builder.temperature(t).minTemperature(min);
            return this;
        }

        Settings topK(int k) {
            builder.topK(k);
            return this;
        }

        Settings topP(float p) {
            builder.topP(p);
            return this;
        }

        Settings minP(float p) {
            builder.minP(p);
            return this;
        }

        Settings topNSigma(float n) {
            builder.topNSigma(n);
            return this;
        }

        Settings repetition(float penalty, float decay) {
            builder.repetitionPenalty(penalty).repetitionPenaltyDecay(decay);
            return this;
        }

        Settings length(float penalty) {
            builder.lengthPenalty(penalty);
            return this;
        }

        Settings dry(float multiplier, float base, int allowedLength) {
            builder.dryMultiplier(multiplier).dryBase(base).dryAllowedLength(allowedLength);
            return this;
        }

        SamplerSettings build() {
            return builder.build();
        }
    }

    static Settings settings() {
        return new Settings();
    }

    /** An input over a copy of {@code rows}, no stop token. */
    static SamplingInput input(float[][] rows, int[] previous, boolean autoregressive, Settings settings) {
        return input(rows, previous, autoregressive, -1, settings);
    }

    static SamplingInput input(float[][] rows, int[] previous, boolean autoregressive, int stopToken,
                               Settings settings) {
        int vocab = rows[0].length;
        float[] logits = new float[rows.length * vocab];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, logits, r * vocab, vocab);
        }
        return new SamplingInput(logits, rows.length, vocab, previous, autoregressive, stopToken, settings.build());
    }

    /** Row {@code r} of the input's logits. */
    static float[] row(SamplingInput input, int r) {
        float[] out = new float[input.vocab()];
        System.arraycopy(input.logits(), r * input.vocab(), out, 0, input.vocab());
        return out;
    }

    /** {@code n} copies of {@code value}. */
    static float[] filled(int n, float value) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
