package valle.core.sample;

import valle.api.sample.SamplerSettings;

/**
 * A stage whose reference operation returns a new tensor instead of writing into the logits it was given
 * ({@code masked_fill}, {@code logit / temperature}, {@code torch.where}). From the first such stage on, the
 * reference's edits no longer reach the caller's logits; {@link SamplingPipeline} mirrors that with a copy, so
 * that a second {@code sample} on the same logits (NAR-len, {@code docs/spec/valle-reference.md} §6.6) sees exactly
 * the edits it sees in the reference.
 */
interface OutOfPlace {

    /** Whether the reference applies this stage out of place under {@code settings} (the stage is enabled). */
    boolean copiesLogits(SamplerSettings settings);
}
