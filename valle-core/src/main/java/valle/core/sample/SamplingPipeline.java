package valle.core.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import valle.api.sample.Sampler;
import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code Base.sample} (§5.1): every enabled stage in order, in place on the logits, then a
 * token per row and its probability under the processed logits. Thread-safe; stateless.
 *
 * <p>Like the reference, the caller's logits keep only the edits made before the first stage that the reference
 * applies out of place (min-p, plain temperature, top-nσ: see {@link OutOfPlace}); from there on the stages work
 * on a copy. Third-party stages are taken as in place.
 */
public final class SamplingPipeline {
    private final List<Sampler> stages;

    /** @param stages every discovered stage; they run in increasing {@link Sampler#order()} */
    public SamplingPipeline(List<? extends Sampler> stages) {
        List<Sampler> sorted = new ArrayList<>(stages);
        sorted.sort(Comparator.comparingInt(Sampler::order).thenComparing(Sampler::name));
        this.stages = List.copyOf(sorted);
    }

    /**
     * Tokens picked per row, the probability of each under the processed logits, and those processed logits
     * {@code [rows, vocab]} (the caller's array, or the copy the stages finished on).
     */
    public record Picks(int[] tokens, float[] probabilities, float[] logits) {
    }

    /**
     * Runs the stages on {@code input.logits()} (modified in place where the reference modifies its tensor in
     * place: a second call on the same logits sees the first call's in-place edits) and picks a token per row.
     */
    public Picks sample(SamplingInput input, RandomGenerator random) {
        SamplingInput work = process(input);
        int[] tokens = new int[work.rows()];
        float[] probabilities = new float[work.rows()];
        boolean greedy = work.settings().temperature() <= 0f;
        for (int r = 0; r < work.rows(); r++) {
            int off = r * work.vocab();
            tokens[r] = greedy
                    ? TokenPicker.argmax(work.logits(), off, work.vocab())
                    : TokenPicker.categorical(work.logits(), off, work.vocab(), random);
            probabilities[r] = TokenPicker.probability(work.logits(), off, work.vocab(), tokens[r]);
        }
        return new Picks(tokens, probabilities, work.logits());
    }

    /**
     * Only the stages, without picking (beam search picks across several rows itself).
     *
     * @return the input the stages finished on: {@code input} itself, or a copy from the first stage the
     *         reference applies out of place
     */
    public SamplingInput process(SamplingInput input) {
        SamplingInput work = input;
        for (Sampler stage : stages) {
            if (stage.enabled(input.settings())) {
                if (work == input && stage instanceof OutOfPlace o && o.copiesLogits(input.settings())) {
                    work = new SamplingInput(input.logits().clone(), input.rows(), input.vocab(), input.previous(),
                            input.autoregressive(), input.stopToken(), input.settings());
                }
                stage.apply(work);
            }
        }
        return work;
    }

    /**
     * Refuses sampler options that name no stage of this pipeline: a misspelt stage name would otherwise change
     * nothing.
     *
     * @throws IllegalArgumentException naming the option and the stages there are
     */
    public void checkOptions(SamplerSettings settings) {
        for (String key : settings.options().keySet()) {
            String stage = key.substring(0, key.indexOf('.'));
            if (stages.stream().noneMatch(s -> s.name().equals(stage))) {
                throw new IllegalArgumentException("sampler option '" + key + "' names no sampler; the samplers are "
                        + stages.stream().map(Sampler::name).toList());
            }
        }
    }

    /** The stages, in the order they run. */
    public List<Sampler> stages() {
        return stages;
    }
}
